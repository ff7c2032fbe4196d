"""Stage split_summary: sizes, class counts and footprints of the three splits (its own job, so
redoing the summary never rewrites the splits every later stage reads)."""

import os

import numpy as np

from leanmlp.atomic import atomic_path, write_json
from leanmlp.data.labelled import load_labelled
from leanmlp.data.splits import SPLIT_NAMES, split_summary
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    pool_size = 0
    for path in snakemake.input.parts:
        with np.load(path) as part:
            pool_size += len(part["labels"])
    splits = {name: load_labelled(snakemake.input[name]) for name in SPLIT_NAMES}
    summary, table = split_summary(snakemake.params.parts, pool_size, splits,
                                   {name: os.path.getsize(snakemake.input[name]) for name in SPLIT_NAMES})
    with atomic_path(snakemake.output.class_counts) as tmp:
        table.to_csv(tmp, index=False)
    write_json(snakemake.output.summary, summary)
    for name, split in summary["splits"].items():
        logger.info("%s: %d images, %.1f MB on disk", name, split["n_samples"], split["disk_bytes"] / 1e6)


run_stage(main, stage_logger("split_summary", snakemake.log[0]))
