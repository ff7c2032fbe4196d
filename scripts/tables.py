"""Stage tables: the paper's tables 1-4 with our numbers beside its, the MAC and memory tables,
figure 0 (every table row, paper against ours) and figure 16 (accuracy against memory)."""

import json

import pandas as pd
import yaml

from leanmlp.atomic import atomic_path, save_figure, write_text
from leanmlp.nn.models import MLPSpec
from leanmlp.report.comparisons import table_columns
from leanmlp.report.plots import memory_accuracy_figure, paper_vs_ours_figure, setting_colours
from leanmlp.report.tables import (
    markdown_table,
    memory_accuracy_points,
    memory_markdown,
    memory_table,
    overview_panel,
    paper_rows_table,
    table2,
    table2_markdown,
    wide_markdown,
)
from leanmlp.stage import run_stage, stage_logger
from leanmlp.study.costs import macs_table

# The paper's tables of runs, by the experiments file's table that fills each; table 2 (MLPs
# beside the baselines) is built apart.
RUN_TABLES = {"table1": "Table 1", "table3": "Table 3", "table4": "Table 4"}


def save_table(path, table, markdown, logger):
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False)
    write_text(path.removesuffix(".csv") + ".md", markdown + "\n")
    logger.debug("%s: %d rows", path, len(table))


def main(logger):
    params, inputs, output = snakemake.params, snakemake.input, snakemake.output
    reference = yaml.safe_load(open(inputs.reference))
    runs = pd.read_csv(inputs.runs)
    settings = list(params.settings)
    colours = setting_colours(params.all_settings)

    paper_tables = {}
    for name, title in RUN_TABLES.items():
        columns = table_columns(params.comparisons, name)
        table = paper_rows_table(runs, params.tables[name], reference[name], settings, columns)
        save_table(output[name], table, wide_markdown(table, columns, settings), logger)
        lines, shared = overview_panel(table, columns)
        paper_tables[f"{title}: {shared}" if shared else title] = lines
    save_figure(output.overview, paper_vs_ours_figure(paper_tables, colours))

    baselines = [json.loads(open(path).read()) for path in inputs.baselines]
    second = table2(runs, baselines, reference["table2"], params.tables["table2_mlp"], settings)
    save_table(output.table2, second, table2_markdown(second), logger)

    n_classes = len(pd.read_csv(inputs.class_counts))
    specs = [MLPSpec(int(row.n_features), n_classes, tuple(json.loads(row.hidden)))
             for row in pd.read_csv(inputs.jobs).drop_duplicates(["n_features", "hidden"]).itertuples()]
    macs = macs_table(specs, reference["flops"]["mlp_78_128x3_47_multiplications"])
    save_table(output.macs, macs, markdown_table(macs), logger)

    memory = memory_table(pd.read_csv(inputs.memory))
    save_table(output.memory_table, memory, memory_markdown(memory), logger)

    points = memory_accuracy_points(runs, memory, params.figure16_inputs, settings)
    save_figure(output.pareto, memory_accuracy_figure(
        points, "Figure 16: test accuracy against training-set memory of the best model on every input variant",
        colours))
    logger.debug("figure 16 points:\n%s", points.to_string(index=False))
    logger.info("tables 1-4, the multiply-accumulates and memory tables, figures 0 and 16 written")


run_stage(main, stage_logger("tables", snakemake.log[0]))
