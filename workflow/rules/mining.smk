# Data-mining stages: PCA, pruning by distance from the class mean and by PCA reconstruction
# error, the pruned variants' projections, and the memory accounting. Every summary and figure
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
        train=f"{PLAN.results}/data/train.npz",
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
        train=f"{PLAN.results}/data/train.npz",
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


rule prune:
    input:
        train=f"{PLAN.results}/data/train.npz",
        scores=f"{PLAN.results}/mining/{{method}}/scores.npz",
    output:
        kept=f"{PLAN.results}/mining/{{method}}/kept/{{target}}.npz",
    log:
        f"{PLAN.results}/logs/prune/{{method}}_{{target}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/prune/{{method}}/{{target}}.tsv"
    wildcard_constraints:
        method="|".join(PRUNING_METHODS),
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
        train=f"{PLAN.results}/data/train.npz",
        scores=f"{PLAN.results}/mining/{{method}}/scores.npz",
        kept=get_kept_files,
    output:
        summary=f"{PLAN.results}/mining/{{method}}/summary.json",
    log:
        f"{PLAN.results}/logs/pruning_summary/{{method}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/pruning_summary/{{method}}.tsv"
    wildcard_constraints:
        method="|".join(PRUNING_METHODS),
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
        train=f"{PLAN.results}/data/train.npz",
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
        train=f"{PLAN.results}/data/train.npz",
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
        method="|".join(PRUNING_METHODS),
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
            method=PRUNING_METHODS,
        ),
        rules.memory.output,
