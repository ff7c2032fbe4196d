# Training stage: one job per (MLP run, seed).


rule train_mlp:
    input:
        unpack(training_inputs),
    output:
        history=f"{RESULTS}/mlp/{{run}}/seed{{seed}}/history.csv",
        model=f"{RESULTS}/mlp/{{run}}/seed{{seed}}/model.npz",
        metrics=f"{RESULTS}/mlp/{{run}}/seed{{seed}}/metrics.json",
    params:
        hyperparameters=lambda wildcards: run_hyperparameters(wildcards.run),
        seed=lambda wildcards: int(wildcards.seed),
    log:
        f"{RESULTS}/logs/train_mlp/{{run}}_seed{{seed}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train_mlp/{{run}}_seed{{seed}}.tsv"
    wildcard_constraints:
        seed=r"\d+",
    threads: MLP.get("threads", 1)
    resources:
        mem_mb=1500,
        runtime=60,
    script:
        "../../scripts/train_mlp.py"


rule mlp:
    input:
        run_outputs("metrics.json"),
