"""Stage random_subset: one draw of the random control at one target: a uniform draw inside every
class with exactly the per-class quotas of the methods it controls at that target."""

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.data.labelled import load_labelled
from leanmlp.mining.random_control import control_quotas, draw_rng, random_subset
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    labels = load_labelled(snakemake.input.train).labels
    quotas_by_method = {}
    for method, path in zip(snakemake.params.controls, snakemake.input.controlled, strict=True):
        with np.load(path) as f:
            quotas_by_method[method] = f["quotas"]
    target, draw = snakemake.wildcards.target, int(snakemake.params.draw)
    quotas = control_quotas(quotas_by_method, target)
    kept = random_subset(labels, quotas, draw_rng(snakemake.params.config_seed, draw, target))
    save_npz(snakemake.output.kept, indices=kept.astype(np.int32), quotas=quotas,
             class_sizes=np.bincount(labels, minlength=len(quotas)))
    logger.info("random %s, draw %d: %d images, the quotas of %s", target, draw, len(kept),
                " and ".join(quotas_by_method))


run_stage(main, stage_logger("random_subset", snakemake.log[0], job_label(snakemake.wildcards)))
