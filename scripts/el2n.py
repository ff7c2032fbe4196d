"""Stage el2n: the EL2N score of every training image, averaged over the scoring seeds, as the
score the prune stage keeps the lowest of for the declared direction (keep easy or hard)."""

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.mining.el2n import mean_score, selection_scores
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    runs = {}
    for path in snakemake.input.scoring:
        with np.load(path) as f:
            runs[int(f["seed"])] = f["el2n"]
    mean, used = mean_score(runs)
    if len(used) < len(runs):
        logger.warning("the scoring networks of seeds %s diverged: the score is the mean of seeds %s",
                       sorted(set(runs) - set(used)), used)
    used_scores = [runs[seed] for seed in used]
    keep = snakemake.params.keep
    save_npz(snakemake.output.scores, scores=selection_scores(mean, keep), el2n=mean,
             indices=np.arange(len(mean), dtype=np.int32), score_scale=np.str_("EL2N, 0 to sqrt(2)"))
    agreement = np.corrcoef(used_scores).min() if len(used) > 1 else float("nan")
    logger.info("EL2N of %d images over %d scoring seeds: median %.3f; keeping the %s ones; the lowest "
                "correlation between two seeds' scores %.2f", len(mean), len(used), np.median(mean), keep, agreement)


run_stage(main, stage_logger("el2n", snakemake.log[0]))
