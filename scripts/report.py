"""Stage report: results/<name>/report.md, every number of the paper beside ours, its claims
judged over seeds, the optimizer question settled with evidence, and how and where it all ran."""

import json
import os
import platform
import time
from pathlib import Path

import pandas as pd
import yaml

from leanmlp.atomic import write_text
from leanmlp.provenance import provenance
from leanmlp.reproduction import ReportInputs, prepare, report_markdown, seed_spread
from leanmlp.reporting import markdown_table
from leanmlp.stage import run_stage, stage_logger


def cpu_model():
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def stage_times(benchmark_folder):
    """Wall seconds per rule, summed over its jobs, from Snakemake's benchmark files."""
    totals = {}
    for path in sorted(Path(benchmark_folder).rglob("*.tsv")):
        rule = path.relative_to(benchmark_folder).parts[0].removesuffix(".tsv")  # <rule>[/<job>].tsv
        seconds = pd.read_csv(path, sep="\t")["s"].iloc[-1]
        count, total = totals.get(rule, (0, 0.0))
        totals[rule] = (count + 1, total + seconds)
    return pd.DataFrame([{"stage": rule, "jobs": n, "wall seconds (sum)": round(s, 1)}
                         for rule, (n, s) in totals.items()])


def appendix(inputs, params):
    lines = []
    for title, path in (("Table 1", inputs.table1_md), ("Table 2", inputs.table2_md), ("Table 3", inputs.table3_md),
                        ("Table 4", inputs.table4_md), ("Multiply-accumulates (section 4.6)", inputs.macs_md),
                        ("Memory of every training-set variant", inputs.memory_table_md)):
        lines += [f"## {title}", "", Path(path).read_text(), ""]
    lines += ["## Figures", ""]
    lines += [f"- [{Path(path).name}](figures/{Path(path).name})" for path in [inputs.overview, *inputs.figures]]
    timing = stage_times(params.benchmarks)
    lines += ["", "## Wall time of each stage", "",
              markdown_table(timing) if len(timing) else "(none yet)", "",
              "## Conventions", "",
              "- L1 penalty: λ Σ|w|; L2 penalty: ½ λ Σ w², on weights only (not biases), included in the train loss.",
              "- Dropout: inverted (kept units scaled by 1/keep in training, identity in evaluation).",
              "- Train loss and accuracy are measured as the paper's framework does: after each epoch, in "
              "evaluation mode (dropout off) over the whole training split, like valid and test. The running "
              "means over the epoch's batches with dropout on are kept in history.csv as train_running_* and "
              "drawn faintly in the learning curves. Accuracies in the tables are those after the last epoch.",
              "- Pixels are scaled to [0, 1]; distances and RMSE are reported on the 0..255 pixel scale.",
              "- Training seconds include the per-epoch evaluation passes.", ""]
    return lines


def main(logger):
    params, inputs = snakemake.params, snakemake.input
    per_setting = {}
    for path in inputs.pca_histories:
        per_setting.setdefault(Path(path).parts[-4], []).append(pd.read_csv(path))  # mlp/<setting>/<run>/seed<k>
    report_inputs = ReportInputs(
        reference=yaml.safe_load(Path(inputs.reference).read_text()), jobs=pd.read_csv(inputs.jobs),
        split=json.loads(Path(inputs.split_summary).read_text()), class_counts=pd.read_csv(inputs.class_counts),
        pca=json.loads(Path(inputs.pca_summary).read_text()), memory=pd.read_csv(inputs.memory),
        macs=pd.read_csv(inputs.macs), table2=pd.read_csv(inputs.table2),
        table3=pd.read_csv(inputs.table3), table4=pd.read_csv(inputs.table4), pca_histories=per_setting,
        context=dict(params.items()))
    claims_table, comparisons, agreement = prepare(report_inputs)
    header = {"written": time.strftime("%Y-%m-%d %H:%M %Z"), "provenance": provenance(snakemake.config),
              "machine": f"Machine: {cpu_model()}, {len(os.sched_getaffinity(0))} cores."}
    header["machine"] += " " + ", ".join(f"{name} {version}" for name, version
                                         in header["provenance"]["versions"].items()) + "."
    text = report_markdown(report_inputs, claims_table, comparisons, agreement,
                           seed_spread(pd.read_csv(inputs.runs)), header, appendix(inputs, params))
    write_text(snakemake.output.report, text)
    logger.info("report: %d paper numbers compared, %d claim verdicts", len(comparisons), len(claims_table))


run_stage(main, stage_logger("report", snakemake.log[0]))
