# scikit-learn baselines of table 2: one job per model.


rule baseline:
    input:
        unpack(lambda wildcards: variant_files(baseline_input(wildcards.model))),
    output:
        metrics=f"{RESULTS}/baselines/{{model}}.json",
    log:
        f"{RESULTS}/logs/baseline/{{model}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/baseline/{{model}}.tsv"
    group:
        "baselines"
    conda:
        "../envs/leanmlp.yaml"
    threads: BASELINES.get("threads", 2)
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        code=script_code("baseline"),
        seed=config["seed"],
        train_size=BASELINES.get("train_size"),
    script:
        "../../scripts/baseline.py"


rule baselines:
    input:
        expand(f"{RESULTS}/baselines/{{model}}.json", model=BASELINE_MODELS),
