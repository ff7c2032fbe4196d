# Aggregation, figures 1-11/16/17, tables 1-4 and the reproduction report.


# Cheap jobs (a summary, a figure, a table) run on the submitting host, never in a cluster's queue.
localrules:
    effective_config,
    split_summary,
    pca_summary,
    prune,
    random_subset,
    el2n,
    pca_figure,
    pruning_summary,
    class_extremes,
    score_figure,
    collect,
    curves,
    tables,
    selection,
    report,


rule effective_config:
    output:
        config=f"{PLAN.results}/config.yaml",
    log:
        f"{PLAN.results}/logs/effective_config.log",
    benchmark:
        f"{PLAN.results}/benchmarks/effective_config.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("effective_config"),
        config=PLAN.config,
    script:
        "../../scripts/effective_config.py"


rule collect:
    input:
        # all four files of every job: each is checked whole before the tables are built
        metrics=PLAN.job_outputs("metrics.json"),
        histories=PLAN.job_outputs("history.csv"),
        models=PLAN.job_outputs("model.npz"),
        predictions=PLAN.job_outputs("predictions.npz"),
    output:
        jobs=f"{PLAN.results}/tables/mlp_jobs.csv",
        runs=f"{PLAN.results}/tables/mlp_runs.csv",
    log:
        f"{PLAN.results}/logs/collect.log",
    benchmark:
        f"{PLAN.results}/benchmarks/collect.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("collect"),
    script:
        "../../scripts/collect.py"


rule curves:
    input:
        histories=get_curve_histories,
        class_counts=lambda wildcards: (
            rules.split_summary.output.class_counts if PLAN.curves[wildcards.curve].majority else []
        ),
    output:
        figure=report(
            f"{PLAN.results}/figures/{{curve}}.png",
            caption="../report/curves.rst",
            category="4. Learning curves",
            labels=lambda wildcards: {
                "figure": PLAN.curves[wildcards.curve].label,
                "model": PLAN.curves[wildcards.curve].shows,
            },
        ),
    log:
        f"{PLAN.results}/logs/curves/{{curve}}.log",
    benchmark:
        f"{PLAN.results}/benchmarks/curves/{{curve}}.tsv"
    wildcard_constraints:
        curve="|".join(PLAN.curves),
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("curves"),
        figure=lambda wildcards: PLAN.curves[wildcards.curve],
        all_settings=list(PLAN.mlp["settings"]),
        train_curve_sample=PLAN.train_curve_sample,
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
        **{f"table{n}": f"{PLAN.results}/tables/table{n}.csv" for n in range(1, 5)},
        **{
            f"table{n}_md": report(
                f"{PLAN.results}/tables/table{n}.md",
                caption=f"../report/table{n}.rst",
                category="3. Tables",
                labels={"table": f"Table {n}"},
            )
            for n in range(1, 5)
        },
        macs=f"{PLAN.results}/tables/macs.csv",
        macs_md=report(
            f"{PLAN.results}/tables/macs.md",
            caption="../report/macs.rst",
            category="3. Tables",
            labels={"table": "multiply-accumulates"},
        ),
        memory_table=f"{PLAN.results}/tables/memory.csv",
        memory_table_md=report(
            f"{PLAN.results}/tables/memory.md",
            caption="../report/memory.rst",
            category="3. Tables",
            labels={"table": "memory of the training sets"},
        ),
        pareto=report(
            f"{PLAN.results}/figures/fig16_memory_vs_accuracy.png",
            caption="../report/pareto.rst",
            category="5. Data mining",
        ),
        overview=report(
            f"{PLAN.results}/figures/fig00_paper_vs_ours.png",
            caption="../report/overview.rst",
            category="2. Overview",
        ),
    log:
        f"{PLAN.results}/logs/tables.log",
    benchmark:
        f"{PLAN.results}/benchmarks/tables.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("tables"),
        settings=PLAN.settings,
        tables=PLAN.matrix.tables,
        comparisons=PLAN.comparisons,
        figure16_inputs={run: PLAN.run_inputs[run] for run in PLAN.matrix.figure16},
        all_settings=list(PLAN.mlp["settings"]),
    script:
        "../../scripts/tables.py"


rule selection:
    input:
        metrics=PLAN.job_outputs("metrics.json", PLAN.selection_jobs),
    output:
        table=f"{PLAN.results}/tables/selection.csv",
        table_md=report(
            f"{PLAN.results}/tables/selection.md",
            caption="../report/selection.rst",
            category="3. Tables",
            labels={"table": "every selection method at every size"},
        ),
        figure=report(
            PLAN.selection_figure,
            caption="../report/selection.rst",
            category="5. Data mining",
        ),
    log:
        f"{PLAN.results}/logs/selection.log",
    benchmark:
        f"{PLAN.results}/benchmarks/selection.tsv"
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("selection"),
        settings=PLAN.settings,
        selection_runs=PLAN.selection_runs,
        reference=PLAN.matrix.figure18,
    script:
        "../../scripts/selection.py"


rule report:
    input:
        **{k: v for k, v in rules.tables.output.items()},
        selection=rules.selection.output.table_md,
        selection_figure=rules.selection.output.figure,
        reference=REFERENCE_FILE,
        jobs=rules.collect.output.jobs,
        split_summary=rules.split_summary.output.summary,
        class_counts=rules.split_summary.output.class_counts,
        pca_summary=rules.pca_summary.output.summary,
        memory=rules.memory.output.table,
        baselines=rules.baselines.input,
        baseline_predictions=expand(f"{PLAN.results}/baselines/{{model}}.predictions.npz", model=PLAN.baseline_models),
        predictions=PLAN.job_outputs("predictions.npz"),
        valid=rules.split.output.valid,
        test=rules.split.output.test,
        histories=[history["path"] for history in PLAN.histories],
        figures=PLAN.figures,
    output:
        report=report(
            f"{PLAN.results}/report.md",
            caption="../report/verdicts_markdown.rst",
            category="1. Verdicts",
            labels={"file": "report.md (Markdown, to download)"},
        ),
        claims=f"{PLAN.results}/tables/claims.csv",
        hypotheses=f"{PLAN.results}/tables/hypotheses.csv",
        page=report(
            f"{PLAN.results}/report_page.html",
            caption="../report/verdicts.rst",
            category="1. Verdicts",
            labels={"file": "the reproduction report: every verdict and every number"},
        ),
        # the verdicts at a glance alone: the first page of `snakemake --report` (workflow.rst)
        verdicts=f"{PLAN.results}/verdicts.html",
    log:
        f"{PLAN.results}/logs/report.log",
    conda:
        "../envs/leanmlp.yaml"
    params:
        code=script_code("report"),
        # everything the plan declares for the report, parsed (leanmlp.report.reproduction.ReportPlan)
        report=PLAN.report_plan,
        histories=PLAN.histories,
        benchmarks=f"{PLAN.results}/benchmarks",
        prediction_jobs=PLAN.job_keys(),
    script:
        "../../scripts/report.py"


rule figures:
    input:
        PLAN.figures,
