# Training stage: one job per (optimizer setting, PLAN.mlp run, seed).


rule train_mlp:
    input:
        unpack(get_training_inputs),
    output:
        history=f"{PLAN.results}/mlp/{{setting}}/{{run}}/seed{{seed}}/history.csv",
        model=f"{PLAN.results}/mlp/{{setting}}/{{run}}/seed{{seed}}/model.npz",
        predictions=f"{PLAN.results}/mlp/{{setting}}/{{run}}/seed{{seed}}/predictions.npz",
        metrics=f"{PLAN.results}/mlp/{{setting}}/{{run}}/seed{{seed}}/metrics.json",
    log:
        f"{PLAN.results}/logs/train_mlp/{{setting}}/{{run}}_seed{{seed}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/train_mlp/{{setting}}/{{run}}_seed{{seed}}.tsv"
    wildcard_constraints:
        seed=r"\d+",
        setting="[^/]+",
        run="[^/]+",
    priority: get_training_priority
    group:
        "training"
    conda:
        "../envs/leanmlp.yaml"
    threads: PLAN.mlp.get("threads", 1)
    resources:
        mem_mb=training_memory,
        runtime=get_training_runtime,
    params:
        code=script_code("train_mlp"),
        hyperparameters=get_hyperparameters,
        seed=lambda wildcards: int(wildcards.seed),
        train_curve_sample=PLAN.train_curve_sample,
    script:
        "../../scripts/train_mlp.py"


rule mlp:
    input:
        [PLAN.job_outputs(name) for name in TRAINING_FILES],
