"""Stage random_subset: one draw of the random control at one target: a uniform draw inside every
class with exactly the per-class quotas that the methods it controls keep at that target."""

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.data.labelled import load_labelled
from leanmlp.mining.random_control import draw_rng, random_subset
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    labels = load_labelled(snakemake.input.train).labels
    with np.load(snakemake.input.quotas) as f:
        quotas = f["quotas"]
    target, draw = snakemake.wildcards.target, int(snakemake.params.draw)
    kept = random_subset(labels, quotas, draw_rng(snakemake.params.config_seed, draw, target))
    save_npz(snakemake.output.kept, indices=kept.astype(np.int32), quotas=quotas,
             class_sizes=np.bincount(labels, minlength=len(quotas)))
    logger.info("random %s, draw %d: %d images, with the class quotas of %s's %s", target, draw, len(kept),
                snakemake.params.quotas_of, target)


run_stage(main, stage_logger("random_subset", snakemake.log[0], job_label(snakemake.wildcards)))
