# Data-mining stages: PCA, pruning by distance from the class mean and by PCA reconstruction
# error, the pruned variants' projections, and the memory accounting.


rule pca:
    input:
        **split_files("data"),
        code=script_code("pca"),
    output:
        **split_files("mining/pca"),
        summary=f"{RESULTS}/mining/pca/summary.json",
        figure=f"{RESULTS}/figures/fig12_pca_explained_variance.png",
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
        rule=MINING["pca"],
    script:
        "../../scripts/pca.py"


rule mean_distance:
    input:
        train=f"{RESULTS}/data/train.npz",
        code=script_code("mean_distance"),
    output:
        scores=f"{RESULTS}/mining/mean_distance/scores.npz",
        kept=f"{RESULTS}/mining/mean_distance/kept.npz",
        summary=f"{RESULTS}/mining/mean_distance/summary.json",
        fig_extremes=f"{RESULTS}/figures/fig13_class_mean_extremes.png",
        fig_curve=f"{RESULTS}/figures/fig14_distance_from_class_mean.png",
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
        targets=MINING["mean_distance"]["targets"],
    script:
        "../../scripts/mean_distance.py"


rule rmse:
    input:
        train=f"{RESULTS}/data/train.npz",
        mean_distance_kept=rules.mean_distance.output.kept,
        pca_summary=rules.pca.output.summary,
        code=script_code("rmse"),
    output:
        scores=f"{RESULTS}/mining/rmse/scores.npz",
        kept=f"{RESULTS}/mining/rmse/kept.npz",
        summary=f"{RESULTS}/mining/rmse/summary.json",
        figure=f"{RESULTS}/figures/fig15_pca_reconstruction_rmse.png",
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
        after=MINING["rmse"]["after"],
        targets=MINING["rmse"]["targets"],
    script:
        "../../scripts/rmse.py"


rule project_pruned:
    input:
        **split_files("data"),
        kept=f"{RESULTS}/mining/{{method}}/kept.npz",
        pca_summary=rules.pca.output.summary,
        code=script_code("project_pruned"),
    output:
        **split_files("mining/{method}/{target}"),
    log:
        f"{RESULTS}/logs/project_pruned/{{method}}_{{target}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/project_pruned/{{method}}/{{target}}.tsv"
    wildcard_constraints:
        method="mean_distance|rmse",
        target="[^/]+",
    group:
        "projections"
    conda:
        "../envs/leanmlp.yaml"
    resources:
        mem_mb=memory_from_inputs(400, 8),
        runtime=20,
    script:
        "../../scripts/project_pruned.py"


rule memory:
    input:
        trains=[variant_files(variant)["train"] for variant in INPUT_VARIANTS],
        code=script_code("memory"),
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
        variants=INPUT_VARIANTS,
    script:
        "../../scripts/memory.py"


rule mining:
    input:
        rules.pca.output,
        rules.mean_distance.output,
        rules.rmse.output,
        rules.memory.output,
