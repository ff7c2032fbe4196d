# Aggregation, figures 1-11/16/17, tables 1-4 and the reproduction report.


localrules:
    collect,
    curves,
    tables,
    report,


rule collect:
    input:
        metrics=job_outputs("metrics.json"),
        code=script_code("collect"),
    output:
        jobs=f"{RESULTS}/tables/mlp_jobs.csv",
        runs=f"{RESULTS}/tables/mlp_runs.csv",
    log:
        f"{RESULTS}/logs/collect.log",
    benchmark:
        f"{RESULTS}/benchmarks/collect.tsv"
    conda:
        "../envs/leanmlp.yaml"
    script:
        "../../scripts/collect.py"


rule curves:
    input:
        histories=[
            f"{RESULTS}/mlp/{setting}/{run}/seed{seed}/history.csv"
            for figure in CURVE_FIGURES
            for setting, run in figure["series"]
            for seed in MATRIX.seeds[run]
        ],
        code=script_code("curves"),
    output:
        [
            report(
                figure["file"],
                caption="../report/curves.rst",
                category="Learning curves",
                labels={
                    "figure": figure["title"],
                    "runs": ", ".join(f"{s}/{r}" for s, r in figure["series"]),
                },
            )
            for figure in CURVE_FIGURES
        ],
    log:
        f"{RESULTS}/logs/curves.log",
    benchmark:
        f"{RESULTS}/benchmarks/curves.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        figures=[
            {
                "title": f["title"],
                "series": [
                    {"setting": s, "run": r, "seeds": MATRIX.seeds[r]}
                    for s, r in f["series"]
                ],
                "dropout": any(
                    hyperparameters_of(s, r)["dropout_keep"] is not None
                    for s, r in f["series"]
                ),
            }
            for f in CURVE_FIGURES
        ],
        all_settings=list(MLP["settings"]),
    script:
        "../../scripts/curves.py"


rule tables:
    input:
        reference="config/paper_reference.yaml",
        runs=rules.collect.output.runs,
        jobs=rules.collect.output.jobs,
        baselines=rules.baselines.input,
        memory=rules.memory.output.table,
        class_counts=rules.split.output.class_counts,
        code=script_code("tables"),
    output:
        **{f"table{n}": f"{RESULTS}/tables/table{n}.csv" for n in range(1, 5)},
        **{
            f"table{n}_md": report(
                f"{RESULTS}/tables/table{n}.md",
                caption="../report/tables.rst",
                category="Tables",
                labels={"table": f"Table {n}"},
            )
            for n in range(1, 5)
        },
        macs=f"{RESULTS}/tables/macs.csv",
        macs_md=report(
            f"{RESULTS}/tables/macs.md",
            caption="../report/macs.rst",
            category="Tables",
            labels={"table": "multiply-accumulates"},
        ),
        memory_table=f"{RESULTS}/tables/memory.csv",
        memory_table_md=report(
            f"{RESULTS}/tables/memory.md",
            caption="../report/memory.rst",
            category="Tables",
            labels={"table": "memory of the training sets"},
        ),
        pareto=report(
            f"{RESULTS}/figures/fig16_memory_vs_accuracy.png",
            caption="../report/pareto.rst",
            category="Data mining",
        ),
        overview=report(
            f"{RESULTS}/figures/fig00_paper_vs_ours.png",
            caption="../report/overview.rst",
            category="Overview",
        ),
    log:
        f"{RESULTS}/logs/tables.log",
    benchmark:
        f"{RESULTS}/benchmarks/tables.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        settings=SETTINGS,
        table1=MATRIX.table1,
        table2_mlp=MATRIX.table2_mlp,
        table3_runs=TABLE3_RUNS,
        table4_runs=TABLE4_RUNS,
        roles=ROLES,
        all_settings=list(MLP["settings"]),
        mean_distance_slugs=target_slugs("mean_distance"),
        rmse_slugs=target_slugs("rmse"),
    script:
        "../../scripts/tables.py"


rule report:
    input:
        **{k: v for k, v in rules.tables.output.items()},
        reference="config/paper_reference.yaml",
        jobs=rules.collect.output.jobs,
        runs=rules.collect.output.runs,
        split_summary=rules.split.output.summary,
        class_counts=rules.split.output.class_counts,
        pca_summary=rules.pca.output.summary,
        memory=rules.memory.output.table,
        pca_histories=[
            f"{RESULTS}/mlp/{s}/{MATRIX.table3_base}/seed{seed}/history.csv"
            for s in SETTINGS
            for seed in MATRIX.seeds[MATRIX.table3_base]
        ],
        figures=sorted(
            rules.curves.output
            + [
                rules.tables.output.pareto,
                rules.pca.output.figure,
                rules.mean_distance.output.fig_extremes,
                rules.mean_distance.output.fig_curve,
                rules.rmse.output.figure,
            ]
        ),
        code=script_code("report"),
    output:
        report=report(
            f"{RESULTS}/report.md",
            caption="../report/verdicts.rst",
            category="Verdicts",
            labels={"file": "report.md: every claim's verdict and every number"},
        ),
    log:
        f"{RESULTS}/logs/report.log",
    conda:
        "../envs/leanmlp.yaml"
    params:
        name=config["name"],
        data=DATA,
        quick=config.get("quick"),
        seeds=MLP["seeds"],
        run_seeds=MATRIX.seeds,
        epochs=MLP["defaults"]["epochs"],
        settings=SETTINGS,
        roles=ROLES,
        claims=MATRIX.claims,
        figures=MATRIX.figures,
        table1=MATRIX.table1,
        table3_base=MATRIX.table3_base,
        rmse_slugs=target_slugs("rmse"),
        record_settings=run_settings(RECORD_RUN) if RECORD_RUN else [],
        benchmarks=f"{RESULTS}/benchmarks",
    script:
        "../../scripts/report.py"


rule figures:
    input:
        rules.curves.output,
        rules.tables.output.pareto,
        rules.pca.output.figure,
        rules.mean_distance.output.fig_extremes,
        rules.mean_distance.output.fig_curve,
        rules.rmse.output.figure,
