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
        url=DATA["source"],
        md5=DATA["md5"],
    script:
        "../../scripts/download.py"


rule convert:
    input:
        convert_inputs,
    output:
        part=f"{RESULTS}/data/converted/{{part}}.npz",
    log:
        f"{RESULTS}/logs/convert_{{part}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/convert/{{part}}.tsv"
    wildcard_constraints:
        part="train|test|all",
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=1500,
        runtime=10,
    params:
        code=script_code("convert"),
        source=DATA["source"],
        path=local_source(),
        split=DATA["split"],
        md5=DATA["md5"],
    script:
        "../../scripts/convert.py"


rule split:
    input:
        parts=expand(f"{RESULTS}/data/converted/{{part}}.npz", part=DATA["parts"]),
    output:
        train=f"{RESULTS}/data/train.npz",
        valid=f"{RESULTS}/data/valid.npz",
        test=f"{RESULTS}/data/test.npz",
    log:
        f"{RESULTS}/logs/split.log",
    benchmark:
        f"{RESULTS}/benchmarks/split.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 4),
        runtime=10,
    params:
        code=script_code("split"),
        parts=DATA["parts"],
        sizes=DATA["sizes"],
        seed=config["seed"],
    script:
        "../../scripts/split.py"


rule split_summary:
    input:
        **split_files("data"),
        parts=rules.split.input.parts,
    output:
        summary=f"{RESULTS}/data/split_summary.json",
        class_counts=f"{RESULTS}/data/class_counts.csv",
    log:
        f"{RESULTS}/logs/split_summary.log",
    benchmark:
        f"{RESULTS}/benchmarks/split_summary.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("split_summary"),
        parts=DATA["parts"],
    script:
        "../../scripts/split_summary.py"


rule data:
    input:
        rules.split.output,
        rules.split_summary.output,
