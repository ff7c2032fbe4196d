"""Stage memory: disk and memory footprint of every training-set variant, beside the raw one."""

import pandas as pd

from leanmlp.atomic import atomic_path
from leanmlp.mining.footprint import training_footprint
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    rows = []
    for variant, path in zip(snakemake.params.variants, snakemake.input.trains, strict=True):
        rows.append({"variant": variant, **training_footprint(path)})
    table = pd.DataFrame(rows)
    raw = table.loc[table.variant == "raw", "memory"].iloc[0]
    # the paper's measure: training data plus what it takes to use it (the transform)
    table["share_of_raw"] = (table["memory"] + table["transform"]) / raw
    for row in table.itertuples():
        logger.debug("%-28s %7d x %3d  %6.1f MB in memory + %.2f MB transform = %5.1f%% of raw; %.1f MB on disk",
                    row.variant, row.n_samples, row.n_features, row.memory / 1e6, row.transform / 1e6,
                    100 * row.share_of_raw, row.disk / 1e6)
    with atomic_path(snakemake.output.table) as tmp:
        table.to_csv(tmp, index=False)
    smallest = table.loc[table.share_of_raw.idxmin()]
    logger.info("%d training sets measured; the smallest, %s, is %.1f%% of the raw set's memory", len(table),
                smallest.variant, 100 * smallest.share_of_raw)


run_stage(main, stage_logger("memory", snakemake.log[0]))
