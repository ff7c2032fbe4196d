# Data stage: download -> convert (one job per official partition) -> split.


rule download:
    output:
        archive="resources/emnist/{archive}",
    log:
        "resources/logs/download_{archive}.log",
    benchmark:
        "resources/benchmarks/download_{archive}.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=200,
        runtime=120,
    params:
        code=script_code("download"),
        url=PLAN.data["source"],
        md5=PLAN.data["md5"],
    script:
        "../../scripts/download.py"


rule convert:
    input:
        get_convert_inputs,
    output:
        part=f"{PLAN.results}/data/converted/{{part}}.npz",
    log:
        f"{PLAN.results}/logs/convert_{{part}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/convert/{{part}}.tsv"
    wildcard_constraints:
        part="train|test|all",
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        code=script_code("convert"),
        source=PLAN.data["source"],
        path=PLAN.local_source(),
        split=PLAN.data["split"],
        md5=PLAN.data["md5"],
    script:
        "../../scripts/convert.py"


rule split:
    input:
        parts=expand(f"{PLAN.results}/data/converted/{{part}}.npz", part=PLAN.data["parts"]),
    output:
        train=f"{PLAN.results}/data/train.npz",
        valid=f"{PLAN.results}/data/valid.npz",
        test=f"{PLAN.results}/data/test.npz",
    log:
        f"{PLAN.results}/logs/split.log",
    benchmark:
        f"{PLAN.results}/benchmarks/split.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 4),
        runtime=10,
    params:
        code=script_code("split"),
        parts=PLAN.data["parts"],
        sizes=PLAN.data["sizes"],
        seed=PLAN.config["seed"],
    script:
        "../../scripts/split.py"


rule split_summary:
    input:
        **PLAN.split_files("data"),
        parts=rules.split.input.parts,
    output:
        summary=f"{PLAN.results}/data/split_summary.json",
        class_counts=f"{PLAN.results}/data/class_counts.csv",
    log:
        f"{PLAN.results}/logs/split_summary.log",
    benchmark:
        f"{PLAN.results}/benchmarks/split_summary.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("split_summary"),
        parts=PLAN.data["parts"],
    script:
        "../../scripts/split_summary.py"


rule data:
    input:
        rules.split.output,
        rules.split_summary.output,
