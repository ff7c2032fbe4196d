"""Stage prune: one pruning target of one method: keep the lowest-scoring images of every class
up to the target's per-class quotas (one job per target, so changing one target redoes only it)."""

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.data.labelled import load_labelled
from leanmlp.mining.pruning import prune_to_target
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    train = load_labelled(snakemake.input.train)
    with np.load(snakemake.input.scores) as f:
        scores, scored = f["scores"], f["indices"]  # scored: indices into the full training set
    labels = train.labels[scored]
    target = snakemake.params.target
    quotas, kept = prune_to_target(scores, labels, len(train.characters), target, len(train.labels))
    save_npz(snakemake.output.kept, indices=np.sort(scored[kept]).astype(np.int32), quotas=quotas,
             class_sizes=np.bincount(labels, minlength=len(train.characters)))
    logger.info("%s %s: keeping %d of %d scored images (%d to %d per class)", snakemake.wildcards.method, target,
                len(kept), len(scores), quotas.min(), quotas.max())


run_stage(main, stage_logger("prune", snakemake.log[0], job_label(snakemake.wildcards)))
