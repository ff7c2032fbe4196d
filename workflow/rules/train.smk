# Training stage: one job per (optimizer setting, MLP run, seed).


rule train_mlp:
    input:
        unpack(training_inputs),
    output:
        history=f"{RESULTS}/mlp/{{setting}}/{{run}}/seed{{seed}}/history.csv",
        model=f"{RESULTS}/mlp/{{setting}}/{{run}}/seed{{seed}}/model.npz",
        metrics=f"{RESULTS}/mlp/{{setting}}/{{run}}/seed{{seed}}/metrics.json",
    log:
        f"{RESULTS}/logs/train_mlp/{{setting}}/{{run}}_seed{{seed}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train_mlp/{{setting}}/{{run}}_seed{{seed}}.tsv"
    wildcard_constraints:
        seed=r"\d+",
        setting="[^/]+",
        run="[^/]+",
    group:
        "training"
    conda:
        "../envs/leanmlp.yaml"
    threads: MLP.get("threads", 1)
    resources:
        mem_mb=memory_from_inputs(200, 1.5),
        runtime=training_runtime,
    params:
        code=script_code("train_mlp"),
        hyperparameters=lambda wildcards: hyperparameters_of(
            wildcards.setting, wildcards.run
        ),
        seed=lambda wildcards: int(wildcards.seed),
    script:
        "../../scripts/train_mlp.py"


rule mlp:
    input:
        job_outputs("metrics.json"),
