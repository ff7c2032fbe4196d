"""Stage tables: the paper's tables 1-4 with our numbers beside its, the MAC and memory tables,
figure 0 (every table row, paper against ours) and figure 16 (accuracy against memory)."""

import json

import pandas as pd
import yaml

from leanmlp.atomic import atomic_path, save_figure, write_text
from leanmlp.models import MLPSpec
from leanmlp.plots import memory_accuracy_figure, paper_vs_ours_figure, setting_colours
from leanmlp.reporting import (macs_table, markdown_table, memory_accuracy_points, memory_markdown, memory_table,
                               overview_panel, paper_rows_table, table2, table2_markdown, wide_markdown)
from leanmlp.stage import run_stage, stage_logger

ACCURACY_COLUMNS = {"train": "final_train_acc", "valid": "final_valid_acc"}
PRUNED_COLUMNS = {"valid": "final_valid_acc", "test": "test_acc_final"}


def save_table(path, table, markdown, logger):
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False)
    write_text(path.removesuffix(".csv") + ".md", markdown + "\n")
    logger.info("%s: %d rows", path, len(table))


def main(logger):
    params, inputs, output = snakemake.params, snakemake.input, snakemake.output
    reference = yaml.safe_load(open(inputs.reference))
    runs = pd.read_csv(inputs.runs)
    settings = list(params.settings)
    colours = setting_colours(params.all_settings)

    paper_tables = {}
    for number, rows, columns in ((1, params.table1, ACCURACY_COLUMNS),
                                  (3, dict(enumerate(params.table3_runs, start=1)), PRUNED_COLUMNS),
                                  (4, dict(enumerate(params.table4_runs, start=1)), PRUNED_COLUMNS)):
        table = paper_rows_table(runs, rows, reference[f"table{number}"], settings, columns)
        save_table(output[f"table{number}"], table, wide_markdown(table, columns, settings), logger)
        lines, shared = overview_panel(table, columns)
        paper_tables[f"Table {number}" + (f" ({shared} ...)" if shared else "")] = lines
    save_figure(output.overview, paper_vs_ours_figure(paper_tables, colours))

    baselines = [json.loads(open(path).read()) for path in inputs.baselines]
    second = table2(runs, baselines, reference["table2"], params.table2_mlp, settings)
    save_table(output.table2, second, table2_markdown(second), logger)

    n_classes = len(pd.read_csv(inputs.class_counts))
    specs = [MLPSpec(int(row.n_features), n_classes, tuple(json.loads(row.hidden)))
             for row in pd.read_csv(inputs.jobs).drop_duplicates(["n_features", "hidden"]).itertuples()]
    macs = macs_table(specs, reference["flops"]["mlp_78_128x3_47_multiplications"])
    save_table(output.macs, macs, markdown_table(macs), logger)

    first_rmse = f"rmse/{params.rmse_slugs[0]}"
    memory = memory_table(pd.read_csv(inputs.memory), {
        "raw": reference["dataset"]["train_disk_mb"], "pca": reference["best_model"]["pca78"]["train_disk_mb"],
        first_rmse: reference["final_pruned_model"]["train_disk_mb"]})
    save_table(output.memory_table, memory, memory_markdown(memory), logger)

    variant_runs = {"raw": params.roles["best_raw"], "pca": params.table3_runs[0]}
    variant_runs.update(zip((f"mean_distance/{s}" for s in params.mean_distance_slugs), params.table3_runs[1:]))
    variant_runs.update(zip((f"rmse/{s}" for s in params.rmse_slugs), params.table4_runs))
    points = memory_accuracy_points(runs, memory, variant_runs, settings)
    save_figure(output.pareto, memory_accuracy_figure(
        points, "Figure 16: test accuracy against training-set memory\n(the best model on every input variant)",
        colours))
    logger.info("figure 16 points:\n%s", points.to_string(index=False))


run_stage(main, stage_logger("tables", snakemake.log[0]))
