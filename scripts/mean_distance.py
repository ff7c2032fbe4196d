"""Stage mean_distance: the distance of every training image to its class mean (the pruning
score; the prune stage keeps the closest per class for each target)."""

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.data.labelled import load_labelled
from leanmlp.mining.pruning import class_means, distances_to_class_mean
from leanmlp.nn.data_providers import as_features
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    train = load_labelled(snakemake.input.train)
    pixels, labels = as_features(train.images), train.labels
    means = class_means(pixels, labels, len(train.characters))
    distances = distances_to_class_mean(pixels, labels, means)
    logger.info("%d training images scored: distance to class mean median %.1f (0..255 scale)", len(labels),
                np.median(distances))
    save_npz(snakemake.output.scores, scores=distances, indices=np.arange(len(labels), dtype=np.int32),
             class_means=means)


run_stage(main, stage_logger("mean_distance", snakemake.log[0]))
