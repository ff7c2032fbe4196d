"""Stage report: results/<name>/report.md, every number of the paper beside ours, its claims
judged over seeds, the optimizer question settled with evidence, and how and where it all ran."""

import json
import os
import time
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from leanmlp.atomic import atomic_path, write_text
from leanmlp.mining.inputs import load_training_inputs
from leanmlp.nn.predictions import load_predictions
from leanmlp.provenance import cpu_model, provenance
from leanmlp.report.reproduction import ReportInputs, prepare, render_report, report_context
from leanmlp.report.tables import markdown_page, stage_times, verdicts_fragment
from leanmlp.stage import run_stage, stage_logger

# The tables the report carries whole, by the tables rule's output name.
CARRIED_TABLES = {"table1_md": "Table 1", "table2_md": "Table 2", "table3_md": "Table 3", "table4_md": "Table 4",
                  "macs_md": "Multiply-accumulates (section 4.6)",
                  "memory_table_md": "Memory of every training-set variant"}


def main(logger):
    params, inputs = snakemake.params, snakemake.input
    histories = {}
    for history in params.histories:
        histories.setdefault((history["setting"], history["run"]), []).append(pd.read_csv(history["path"]))
    baselines = {}
    for result_file, predictions_file in zip(inputs.baselines, inputs.baseline_predictions, strict=True):
        result = json.loads(Path(result_file).read_text())
        baselines[result["model"]] = {**result, "predictions": load_predictions(predictions_file)}
    labels = {split: load_training_inputs(inputs[split])[1] for split in ("valid", "test")}
    prediction_files = dict(zip(map(tuple, params.prediction_jobs), inputs.predictions, strict=True))
    predictions = cache(lambda *job: load_predictions(prediction_files[job]) if job in prediction_files else None)
    report_inputs = ReportInputs(
        reference=yaml.safe_load(Path(inputs.reference).read_text()), jobs=pd.read_csv(inputs.jobs),
        split=json.loads(Path(inputs.split_summary).read_text()), class_counts=pd.read_csv(inputs.class_counts),
        pca=json.loads(Path(inputs.pca_summary).read_text()), memory=pd.read_csv(inputs.memory),
        baselines=baselines, histories=histories, plan=params.report, predictions=predictions,
        labels=labels)
    claims_table, comparisons, agreement, hypotheses_table = prepare(report_inputs)
    for table, path in ((claims_table, snakemake.output.claims), (hypotheses_table, snakemake.output.hypotheses)):
        with atomic_path(path) as tmp:
            table.to_csv(tmp, index=False)
    made_by = provenance(snakemake.config)
    versions = ", ".join(f"{name} {version}" for name, version in made_by["versions"].items())
    header = {"written": time.strftime("%Y-%m-%d %H:%M %Z"), "provenance": made_by,
              "machine": f"Machine: {cpu_model()}, {len(os.sched_getaffinity(0))} cores. {versions}."}
    appendix = {"tables": [{"title": title, "markdown": Path(inputs[name]).read_text().strip()}
                           for name, title in CARRIED_TABLES.items()],
                "figures": [Path(path).name for path in inputs.figures],
                "timing": stage_times(params.benchmarks),
                "selection_figure": Path(inputs.selection_figure).name,
                "selection_table": Path(inputs.selection).read_text().strip()}
    context = report_context(report_inputs, claims_table, comparisons, agreement, header, appendix,
                             hypotheses_table)
    text = render_report(context)
    write_text(snakemake.output.report, text)
    name, results = params.report.name, Path(snakemake.output.report).parent
    write_text(snakemake.output.page, markdown_page(text, f"Reproduction report: {name}", images=results))
    write_text(snakemake.output.verdicts, verdicts_fragment(render_report(context, "verdicts.md.j2"), name))
    # the counts the report states, in its words
    logger.info("%d of the paper's numbers set beside ours, %d claim and %d hypothesis verdicts",
                context["n_findings"], context["n_verdicts"], len(hypotheses_table))


run_stage(main, stage_logger("report", snakemake.log[0]))
