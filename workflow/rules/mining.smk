# Data-mining stages: PCA, pruning by distance from the class mean and by PCA reconstruction
# error, the pruned variants' projections, and the memory accounting. Every summary and figure
# is a job of its own, and every pruning target is its own file: redoing one redoes nothing
# upstream of what reads it.


rule pca:
    input:
        **split_files("data"),
    output:
        **split_files("mining/pca"),
    log:
        f"{RESULTS}/logs/pca.log",
    benchmark:
        f"{RESULTS}/benchmarks/pca.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(400, 8),
        runtime=20,
    params:
        code=script_code("pca"),
        rule=MINING["pca"],
    script:
        "../../scripts/pca.py"


rule pca_summary:
    input:
        train=rules.pca.output.train,
    output:
        summary=f"{RESULTS}/mining/pca/summary.json",
    log:
        f"{RESULTS}/logs/pca_summary.log",
    benchmark:
        f"{RESULTS}/benchmarks/pca_summary.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(200, 1.5),
        runtime=5,
    params:
        code=script_code("pca_summary"),
        rule=MINING["pca"],
    script:
        "../../scripts/pca_summary.py"


rule pca_figure:
    input:
        summary=rules.pca_summary.output.summary,
    output:
        figure=report(
            f"{RESULTS}/figures/fig12_pca_explained_variance.png",
            caption="../report/pca.rst",
            category="5. Data mining",
        ),
    log:
        f"{RESULTS}/logs/pca_figure.log",
    benchmark:
        f"{RESULTS}/benchmarks/pca_figure.tsv"
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
        train=f"{RESULTS}/data/train.npz",
    output:
        scores=f"{RESULTS}/mining/mean_distance/scores.npz",
    log:
        f"{RESULTS}/logs/mean_distance.log",
    benchmark:
        f"{RESULTS}/benchmarks/mean_distance.tsv"
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
        train=f"{RESULTS}/data/train.npz",
        after=f"{RESULTS}/mining/mean_distance/kept/{target_slug(MINING['rmse']['after'])}.npz",
        pca_train=rules.pca.output.train,
    output:
        scores=f"{RESULTS}/mining/rmse/scores.npz",
    log:
        f"{RESULTS}/logs/rmse.log",
    benchmark:
        f"{RESULTS}/benchmarks/rmse.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 8),
        runtime=20,
    params:
        code=script_code("rmse"),
        after=target_slug(MINING["rmse"]["after"]),
    script:
        "../../scripts/rmse.py"


rule prune:
    input:
        train=f"{RESULTS}/data/train.npz",
        scores=f"{RESULTS}/mining/{{method}}/scores.npz",
    output:
        kept=f"{RESULTS}/mining/{{method}}/kept/{{target}}.npz",
    log:
        f"{RESULTS}/logs/prune/{{method}}_{{target}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/prune/{{method}}/{{target}}.tsv"
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
        target=pruning_target,
    script:
        "../../scripts/prune.py"


rule pruning_summary:
    input:
        train=f"{RESULTS}/data/train.npz",
        scores=f"{RESULTS}/mining/{{method}}/scores.npz",
        kept=lambda wildcards: kept_files(wildcards.method),
    output:
        summary=f"{RESULTS}/mining/{{method}}/summary.json",
    log:
        f"{RESULTS}/logs/pruning_summary/{{method}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/pruning_summary/{{method}}.tsv"
    wildcard_constraints:
        method="|".join(PRUNING_METHODS),
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("pruning_summary"),
        slugs=lambda wildcards: target_slugs(wildcards.method),
        targets=lambda wildcards: MINING[wildcards.method]["targets"],
    script:
        "../../scripts/pruning_summary.py"


rule class_extremes:
    input:
        train=f"{RESULTS}/data/train.npz",
        scores=rules.mean_distance.output.scores,
    output:
        figure=report(
            f"{RESULTS}/figures/fig13_class_mean_extremes.png",
            caption="../report/class_extremes.rst",
            category="5. Data mining",
        ),
    log:
        f"{RESULTS}/logs/class_extremes.log",
    benchmark:
        f"{RESULTS}/benchmarks/class_extremes.tsv"
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
        train=f"{RESULTS}/data/train.npz",
        scores=lambda wildcards: f"{RESULTS}/mining/{SCORE_FIGURES[wildcards.figure]['method']}/scores.npz",
        kept=lambda wildcards: kept_files(SCORE_FIGURES[wildcards.figure]["method"]),
    output:
        figure=report(
            f"{RESULTS}/figures/{{figure}}.png",
            caption="../report/score_figure.rst",
            category="5. Data mining",
        ),
    log:
        f"{RESULTS}/logs/score_figure/{{figure}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/score_figure/{{figure}}.tsv"
    wildcard_constraints:
        figure="|".join(SCORE_FIGURES),
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(300, 1.5),
        runtime=5,
    params:
        code=script_code("score_figure"),
        target_labels=lambda wildcards: target_slugs(
            SCORE_FIGURES[wildcards.figure]["method"]
        ),
        title=lambda wildcards: SCORE_FIGURES[wildcards.figure]["title"],
        ylabel=lambda wildcards: SCORE_FIGURES[wildcards.figure]["ylabel"],
    script:
        "../../scripts/score_figure.py"


rule project_pruned:
    input:
        **split_files("data"),
        kept=f"{RESULTS}/mining/{{method}}/kept/{{target}}.npz",
        pca_train=rules.pca.output.train,
    output:
        **split_files("mining/{method}/{target}"),
    log:
        f"{RESULTS}/logs/project_pruned/{{method}}_{{target}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/project_pruned/{{method}}/{{target}}.tsv"
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
        trains=[variant_files(variant)["train"] for variant in INPUT_VARIANTS],
    output:
        table=f"{RESULTS}/mining/memory.csv",
    log:
        f"{RESULTS}/logs/memory.log",
    benchmark:
        f"{RESULTS}/benchmarks/memory.tsv"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        code=script_code("memory"),
        variants=INPUT_VARIANTS,
    script:
        "../../scripts/memory.py"


rule mining:
    input:
        rules.pca_summary.output,
        MINING_FIGURES,
        expand(
            f"{RESULTS}/mining/{{method}}/summary.json",
            method=PRUNING_METHODS,
        ),
        rules.memory.output,
