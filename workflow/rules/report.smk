# Aggregation, figures 1-11/16/17, tables 1-4 and the reproduction report.


# Cheap jobs (a summary, a figure, a table) run on the submitting host, never in a cluster's queue.
localrules:
    effective_config,
    split_summary,
    pca_summary,
    prune,
    pca_figure,
    pruning_summary,
    class_extremes,
    score_figure,
    collect,
    curves,
    tables,
    report,


rule effective_config:
    output:
        config=f"{RESULTS}/config.yaml",
    log:
        f"{RESULTS}/logs/effective_config.log",
    benchmark:
        f"{RESULTS}/benchmarks/effective_config.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("effective_config"),
        config=config,
    script:
        "../../scripts/effective_config.py"


rule collect:
    input:
        metrics=job_outputs("metrics.json"),
    output:
        jobs=f"{RESULTS}/tables/mlp_jobs.csv",
        runs=f"{RESULTS}/tables/mlp_runs.csv",
    log:
        f"{RESULTS}/logs/collect.log",
    benchmark:
        f"{RESULTS}/benchmarks/collect.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("collect"),
    script:
        "../../scripts/collect.py"


rule curves:
    input:
        histories=curve_histories,
        class_counts=lambda wildcards: (
            rules.split_summary.output.class_counts
            if CURVE_FIGURES[wildcards.curve]["majority"]
            else []
        ),
    output:
        figure=report(
            f"{RESULTS}/figures/{{curve}}.png",
            caption="../report/curves.rst",
            category="4. Learning curves",
            labels=lambda wildcards: {
                "figure": CURVE_FIGURES[wildcards.curve]["title"].split(":")[0],
                "runs": ", ".join(
                    f"{s['setting']}/{s['run']}"
                    for s in CURVE_FIGURES[wildcards.curve]["series"]
                ),
            },
        ),
    log:
        f"{RESULTS}/logs/curves/{{curve}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/curves/{{curve}}.tsv"
    wildcard_constraints:
        curve="|".join(CURVE_FIGURES),
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("curves"),
        figure=lambda wildcards: CURVE_FIGURES[wildcards.curve],
        all_settings=list(MLP["settings"]),
    script:
        "../../scripts/curves.py"


rule tables:
    input:
        reference=REFERENCE_FILE,
        runs=rules.collect.output.runs,
        jobs=rules.collect.output.jobs,
        baselines=rules.baselines.input,
        memory=rules.memory.output.table,
        class_counts=rules.split_summary.output.class_counts,
    output:
        **{f"table{n}": f"{RESULTS}/tables/table{n}.csv" for n in range(1, 5)},
        **{
            f"table{n}_md": report(
                f"{RESULTS}/tables/table{n}.md",
                caption=f"../report/table{n}.rst",
                category="3. Tables",
                labels={"table": f"Table {n}"},
            )
            for n in range(1, 5)
        },
        macs=f"{RESULTS}/tables/macs.csv",
        macs_md=report(
            f"{RESULTS}/tables/macs.md",
            caption="../report/macs.rst",
            category="3. Tables",
            labels={"table": "multiply-accumulates"},
        ),
        memory_table=f"{RESULTS}/tables/memory.csv",
        memory_table_md=report(
            f"{RESULTS}/tables/memory.md",
            caption="../report/memory.rst",
            category="3. Tables",
            labels={"table": "memory of the training sets"},
        ),
        pareto=report(
            f"{RESULTS}/figures/fig16_memory_vs_accuracy.png",
            caption="../report/pareto.rst",
            category="5. Data mining",
        ),
        overview=report(
            f"{RESULTS}/figures/fig00_paper_vs_ours.png",
            caption="../report/overview.rst",
            category="2. Overview",
        ),
    log:
        f"{RESULTS}/logs/tables.log",
    benchmark:
        f"{RESULTS}/benchmarks/tables.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("tables"),
        settings=SETTINGS,
        tables=MATRIX.tables,
        comparisons=MATRIX.comparisons,
        figure16_inputs={run: RUN_INPUTS[run] for run in MATRIX.figure16},
        all_settings=list(MLP["settings"]),
    script:
        "../../scripts/tables.py"


rule report:
    input:
        **{k: v for k, v in rules.tables.output.items()},
        reference=REFERENCE_FILE,
        jobs=rules.collect.output.jobs,
        split_summary=rules.split_summary.output.summary,
        class_counts=rules.split_summary.output.class_counts,
        pca_summary=rules.pca_summary.output.summary,
        memory=rules.memory.output.table,
        baselines=rules.baselines.input,
        histories=[history["path"] for history in COMPARED_HISTORIES],
        figures=sorted(
            CURVE_FILES
            + [rules.tables.output.pareto, rules.tables.output.overview]
            + MINING_FIGURES
        ),
    output:
        report=report(
            f"{RESULTS}/report.md",
            caption="../report/verdicts_markdown.rst",
            category="1. Verdicts",
            labels={"file": "report.md (Markdown, to download)"},
        ),
        page=report(
            f"{RESULTS}/report_page.html",
            caption="../report/verdicts.rst",
            category="1. Verdicts",
            labels={"file": "the reproduction report: every verdict and every number"},
        ),
    log:
        f"{RESULTS}/logs/report.log",
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("report"),
        name=config["name"],
        data=DATA,
        quick=config.get("quick"),
        seeds=MLP["seeds"],
        run_seeds=MATRIX.seeds,
        epochs=MLP["defaults"]["epochs"],
        settings=SETTINGS,
        roles=ROLES,
        claims=MATRIX.claims,
        hypotheses=MATRIX.hypotheses,
        comparisons=MATRIX.comparisons,
        tables=MATRIX.tables,
        run_settings={run: run_settings(run) for run in RUNS},
        run_inputs=RUN_INPUTS,
        histories=COMPARED_HISTORIES,
        record_settings=run_settings(RECORD_RUN) if RECORD_RUN else [],
        benchmarks=f"{RESULTS}/benchmarks",
    script:
        "../../scripts/report.py"


rule figures:
    input:
        rules.report.input.figures,
