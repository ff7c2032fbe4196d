# scikit-learn baselines of table 2: one job per model.


rule baseline:
    input:
        unpack(get_baseline_inputs),
    output:
        metrics=f"{PLAN.results}/baselines/{{model}}.json",
        predictions=f"{PLAN.results}/baselines/{{model}}.predictions.npz",
    log:
        f"{PLAN.results}/logs/baseline/{{model}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/baseline/{{model}}.tsv"
    group:
        "baselines"
    conda:
        "../envs/leanmlp.yaml"
    threads: PLAN.baselines.get("threads", 2)
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        code=script_code("baseline"),
        seed=PLAN.config["seed"],
        train_size=PLAN.baselines.get("train_size"),
    script:
        "../../scripts/baseline.py"


rule baselines:
    input:
        expand(f"{PLAN.results}/baselines/{{model}}.json", model=PLAN.baseline_models),
