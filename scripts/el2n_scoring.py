"""Stage el2n_scoring: one short training of the scoring network on the full training set, and
the EL2N score it gives every training image (one job per scoring seed, cached)."""

import logging

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.mining.el2n import score_by_training
from leanmlp.mining.inputs import load_training_inputs
from leanmlp.nn.fitting import describe_run
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    hyperparameters, seed = dict(snakemake.params.hyperparameters), int(snakemake.params.seed)
    inputs, labels, characters, _ = load_training_inputs(snakemake.input.train)
    logger.info("scoring network %s, %s at lr %g, %d epochs on %d x %d", describe_run(hyperparameters),
                hyperparameters["optimizer"], hyperparameters["learning_rate"], hyperparameters["epochs"],
                len(labels), inputs.shape[1])

    def log_epoch(record):
        logger.log(logging.DEBUG, "epoch %d: running train accuracy %.4f, %.2f s", record["epoch"],
                   record["train_running_acc"], record["seconds"])

    scores = score_by_training(hyperparameters, inputs, labels, len(characters), seed, log_epoch)
    save_npz(snakemake.output.scores, el2n=scores, seed=np.int64(seed))
    if not np.all(np.isfinite(scores)):  # recorded; the el2n stage averages the seeds that trained
        logger.warning("DIVERGED: the scoring network of seed %d left %d images without a score", seed,
                       np.sum(~np.isfinite(scores)))
        return
    logger.info("EL2N of %d images: median %.3f, %.1f%% above 1 (the network leans to another class)",
                len(scores), np.median(scores), 100 * np.mean(scores > 1))


run_stage(main, stage_logger("el2n_scoring", snakemake.log[0], job_label(snakemake.wildcards)))
