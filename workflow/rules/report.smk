# Aggregation, figures 1-11/16/17, tables 1-4 and the reproduction report.


localrules:
    collect,
    curves,
    tables,
    report,


rule collect:
    input:
        metrics=job_outputs("metrics.json"),
        code=library("reporting"),
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
        histories=[f"{RESULTS}/mlp/{setting}/{run}/seed{seed}/history.csv"
                   for figure in CURVE_FIGURES for setting, run in figure["series"] for seed in MLP["seeds"]],
        code=library("plots"),
    output:
        [report(figure["file"], caption="../report/curves.rst", category="Learning curves")
         for figure in CURVE_FIGURES],
    params:
        figures=[{"title": f["title"], "settings": [s for s, _ in f["series"]]} for f in CURVE_FIGURES],
        seeds=MLP["seeds"],
    log:
        f"{RESULTS}/logs/curves.log",
    benchmark:
        f"{RESULTS}/benchmarks/curves.tsv"
    conda:
        "../envs/leanmlp.yaml"
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
        code=library("reporting", "plots", "models"),
    output:
        **{f"table{n}": f"{RESULTS}/tables/table{n}.csv" for n in range(1, 5)},
        **{f"table{n}_md": report(f"{RESULTS}/tables/table{n}.md", caption="../report/tables.rst",
                                  category="Tables") for n in range(1, 5)},
        macs=f"{RESULTS}/tables/macs.csv",
        macs_md=report(f"{RESULTS}/tables/macs.md", caption="../report/tables.rst", category="Tables"),
        memory_table=f"{RESULTS}/tables/memory.csv",
        memory_table_md=report(f"{RESULTS}/tables/memory.md", caption="../report/tables.rst",
                               category="Tables"),
        pareto=report(f"{RESULTS}/figures/fig16_memory_vs_accuracy.png", caption="../report/pareto.rst",
                      category="Data mining"),
    params:
        settings=SETTINGS,
        table1=EXPERIMENTS["table1"],
        table2_mlp=EXPERIMENTS["table2_mlp"],
        table3_runs=TABLE3_RUNS,
        table4_runs=TABLE4_RUNS,
        mean_distance_slugs=target_slugs("mean_distance"),
        rmse_slugs=target_slugs("rmse"),
    log:
        f"{RESULTS}/logs/tables.log",
    benchmark:
        f"{RESULTS}/benchmarks/tables.tsv"
    conda:
        "../envs/leanmlp.yaml"
    script:
        "../../scripts/tables.py"


rule report:
    input:
        reference="config/paper_reference.yaml",
        runs=rules.collect.output.runs,
        split_summary=rules.split.output.summary,
        class_counts=rules.split.output.class_counts,
        pca_summary=rules.pca.output.summary,
        memory=rules.memory.output.table,
        pca_histories=[f"{RESULTS}/mlp/{s}/{EXPERIMENTS['table3_base']}/seed{MLP['seeds'][0]}/history.csv"
                       for s in run_settings(EXPERIMENTS["table3_base"])],
        **{k: v for k, v in rules.tables.output.items()},
        figures=sorted(rules.curves.output + [rules.tables.output.pareto, rules.pca.output.figure,
                                              rules.mean_distance.output.fig_extremes,
                                              rules.mean_distance.output.fig_curve, rules.rmse.output.figure]),
        code=library("reporting"),
    output:
        report=f"{RESULTS}/report.md",
    params:
        name=config["name"],
        data=DATA,
        seeds=MLP["seeds"],
        epochs=MLP["defaults"]["epochs"],
        settings=run_settings(EXPERIMENTS["table3_base"]),
        figures=EXPERIMENTS["figures"],
        table1=EXPERIMENTS["table1"],
        table2_mlp=EXPERIMENTS["table2_mlp"],
        table3_base=EXPERIMENTS["table3_base"],
        table3_runs=TABLE3_RUNS,
        table4_runs=TABLE4_RUNS,
        rmse_slugs=target_slugs("rmse"),
        record_run=RECORD_RUN,
        record_settings=run_settings(RECORD_RUN) if RECORD_RUN else [],
        benchmarks=f"{RESULTS}/benchmarks",
    log:
        f"{RESULTS}/logs/report.log",
    conda:
        "../envs/leanmlp.yaml"
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
