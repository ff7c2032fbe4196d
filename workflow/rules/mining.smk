# Data-mining stages: PCA, pruning by distance from the class mean, by PCA reconstruction error
# and by EL2N (its scoring trainings cached one per seed), the random control's draws, the
# selected sets' projections, and the memory accounting. Every summary and figure
# is a job of its own, and every pruning target is its own file: redoing one redoes nothing
# upstream of what reads it.


rule pca:
    input:
        **PLAN.split_files("data"),
    output:
        **PLAN.split_files("mining/pca"),
    log:
        f"{PLAN.results}/logs/pca.log",
    benchmark:
        f"{PLAN.results}/benchmarks/pca.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(400, 8),
        runtime=20,
    params:
        code=script_code("pca"),
        rule=PLAN.mining["pca"],
    script:
        "../../scripts/pca.py"


rule pca_summary:
    input:
        train=rules.pca.output.train,
    output:
        summary=f"{PLAN.results}/mining/pca/summary.json",
    log:
        f"{PLAN.results}/logs/pca_summary.log",
    benchmark:
        f"{PLAN.results}/benchmarks/pca_summary.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(200, 1.5),
        runtime=5,
    params:
        code=script_code("pca_summary"),
        rule=PLAN.mining["pca"],
    script:
        "../../scripts/pca_summary.py"


rule pca_figure:
    input:
        summary=rules.pca_summary.output.summary,
    output:
        figure=report(
            f"{PLAN.results}/figures/fig12_pca_explained_variance.png",
            caption="../report/pca.rst",
            category="5. Data mining",
        ),
    log:
        f"{PLAN.results}/logs/pca_figure.log",
    benchmark:
        f"{PLAN.results}/benchmarks/pca_figure.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    params:
        code=script_code("pca_figure"),
    script:
        "../../scripts/pca_figure.py"


rule mean_distance:
    input:
        train=rules.split.output.train,
    output:
        scores=f"{PLAN.results}/mining/mean_distance/scores.npz",
    log:
        f"{PLAN.results}/logs/mean_distance.log",
    benchmark:
        f"{PLAN.results}/benchmarks/mean_distance.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 4),
        runtime=10,
    params:
        code=script_code("mean_distance"),
    script:
        "../../scripts/mean_distance.py"


rule rmse:
    input:
        train=rules.split.output.train,
        after=f"{PLAN.results}/mining/mean_distance/kept/{target_slug(PLAN.mining['rmse']['after'])}.npz",
        pca_train=rules.pca.output.train,
    output:
        scores=f"{PLAN.results}/mining/rmse/scores.npz",
    log:
        f"{PLAN.results}/logs/rmse.log",
    benchmark:
        f"{PLAN.results}/benchmarks/rmse.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 8),
        runtime=20,
    params:
        code=script_code("rmse"),
        after=target_slug(PLAN.mining["rmse"]["after"]),
    script:
        "../../scripts/rmse.py"


rule el2n_scoring:
    input:
        train=PLAN.variant_files(PLAN.el2n_scoring["input"])["train"],
    output:
        scores=f"{PLAN.results}/mining/el2n/scoring/seed{{seed}}.npz",
    log:
        f"{PLAN.results}/logs/el2n_scoring/seed{{seed}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/el2n_scoring/seed{{seed}}.tsv"
    wildcard_constraints:
        seed=r"\d+",
    conda:
        "../envs/leanmlp.yaml"
    threads: PLAN.mlp.get("threads", 1)
    resources:
        mem_mb=memory_from_inputs(200, 1.5),
        runtime=PLAN.training_runtime_of(PLAN.el2n_scoring),
    params:
        code=script_code("el2n_scoring"),
        hyperparameters=PLAN.el2n_scoring,
        seed=lambda wildcards: int(wildcards.seed),
    script:
        "../../scripts/el2n_scoring.py"


rule el2n:
    input:
        scoring=PLAN.el2n_scoring_files(),
    output:
        scores=f"{PLAN.results}/mining/el2n/scores.npz",
    log:
        f"{PLAN.results}/logs/el2n.log",
    benchmark:
        f"{PLAN.results}/benchmarks/el2n.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(200, 2),
        runtime=5,
    params:
        code=script_code("el2n"),
        keep=PLAN.mining["el2n"]["keep"],
    script:
        "../../scripts/el2n.py"


rule random_subset:
    input:
        train=rules.split.output.train,
        quotas=get_quota_file,
    output:
        kept=f"{PLAN.results}/mining/{RANDOM_CONTROL}/draw{{draw}}/kept/{{target}}.npz",
    log:
        f"{PLAN.results}/logs/random_subset/draw{{draw}}_{{target}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/random_subset/draw{{draw}}/{{target}}.tsv"
    wildcard_constraints:
        draw=r"\d+",
        target="[^/]+",
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("random_subset"),
        quotas_of=get_quota_method,
        config_seed=PLAN.config["seed"],
        draw=lambda wildcards: int(wildcards.draw),
    script:
        "../../scripts/random_subset.py"


rule prune:
    input:
        train=rules.split.output.train,
        scores=f"{PLAN.results}/mining/{{method}}/scores.npz",
    output:
        kept=f"{PLAN.results}/mining/{{method}}/kept/{{target}}.npz",
    log:
        f"{PLAN.results}/logs/prune/{{method}}_{{target}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/prune/{{method}}/{{target}}.tsv"
    wildcard_constraints:
        method="|".join(SCORED_METHODS),
        target="[^/]+",
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("prune"),
        target=get_pruning_target,
    script:
        "../../scripts/prune.py"


rule pruning_summary:
    input:
        train=rules.split.output.train,
        scores=f"{PLAN.results}/mining/{{method}}/scores.npz",
        kept=get_kept_files,
    output:
        summary=f"{PLAN.results}/mining/{{method}}/summary.json",
    log:
        f"{PLAN.results}/logs/pruning_summary/{{method}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/pruning_summary/{{method}}.tsv"
    wildcard_constraints:
        method="|".join(SCORED_METHODS),
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("pruning_summary"),
        slugs=get_target_slugs,
        targets=lambda wildcards: PLAN.mining[wildcards.method]["targets"],
    script:
        "../../scripts/pruning_summary.py"


rule class_extremes:
    input:
        train=rules.split.output.train,
        scores=rules.mean_distance.output.scores,
    output:
        figure=report(
            f"{PLAN.results}/figures/fig13_class_mean_extremes.png",
            caption="../report/class_extremes.rst",
            category="5. Data mining",
        ),
    log:
        f"{PLAN.results}/logs/class_extremes.log",
    benchmark:
        f"{PLAN.results}/benchmarks/class_extremes.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("class_extremes"),
    script:
        "../../scripts/class_extremes.py"


rule score_figure:
    input:
        train=rules.split.output.train,
        scores=lambda wildcards: f"{PLAN.results}/mining/{SCORE_FIGURES[wildcards.figure]['method']}/scores.npz",
        kept=get_score_figure_kept_files,
    output:
        figure=report(
            f"{PLAN.results}/figures/{{figure}}.png",
            caption="../report/score_figure.rst",
            category="5. Data mining",
        ),
    log:
        f"{PLAN.results}/logs/score_figure/{{figure}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/score_figure/{{figure}}.tsv"
    wildcard_constraints:
        figure="|".join(SCORE_FIGURES),
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("score_figure"),
        target_labels=lambda wildcards: PLAN.target_slugs(SCORE_FIGURES[wildcards.figure]["method"]),
        title=lambda wildcards: SCORE_FIGURES[wildcards.figure]["title"],
        ylabel=lambda wildcards: SCORE_FIGURES[wildcards.figure]["ylabel"],
    script:
        "../../scripts/score_figure.py"


rule project_pruned:
    input:
        **PLAN.split_files("data"),
        kept=f"{PLAN.results}/mining/{{method}}/kept/{{target}}.npz",
        pca_train=rules.pca.output.train,
    output:
        **PLAN.split_files("mining/{method}/{target}"),
    log:
        f"{PLAN.results}/logs/project_pruned/{{method}}_{{target}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/project_pruned/{{method}}/{{target}}.tsv"
    wildcard_constraints:
        # a scored method's set, or one draw of the random control ("random/draw2")
        method="|".join([*SCORED_METHODS, rf"{RANDOM_CONTROL}/draw\d+"]),
        target="[^/]+",
    group:
        "projections"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(400, 8),
        runtime=20,
    params:
        code=script_code("project_pruned"),
    script:
        "../../scripts/project_pruned.py"


rule memory:
    input:
        # a random variant by its first draw: every draw has the same size
        trains=[PLAN.variant_files(variant)["train"] for variant in PLAN.input_variants],
    output:
        table=f"{PLAN.results}/mining/memory.csv",
    log:
        f"{PLAN.results}/logs/memory.log",
    benchmark:
        f"{PLAN.results}/benchmarks/memory.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=script_code("memory"),
        variants=PLAN.input_variants,
    script:
        "../../scripts/memory.py"


rule mining:
    input:
        rules.pca_summary.output,
        PLAN.mining_figures,
        expand(
            f"{PLAN.results}/mining/{{method}}/summary.json",
            method=SCORED_METHODS,
        ),
        rules.memory.output,
