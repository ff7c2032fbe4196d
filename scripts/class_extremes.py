"""Stage class_extremes: figure 13, each class's mean beside its closest and furthest images."""

import numpy as np

from leanmlp.atomic import save_figure
from leanmlp.data.labelled import load_labelled
from leanmlp.mining.pruning import extremes_per_class
from leanmlp.report.plots import class_extremes_figure
from leanmlp.stage import run_stage, stage_logger

FIGURE13_CLASSES = 10  # rows of figure 13: more would not fit a page


def main(logger):
    train = load_labelled(snakemake.input.train)
    with np.load(snakemake.input.scores) as f:
        distances, means = f["scores"], f["class_means"]
    n_classes = len(train.characters)
    sizes = np.bincount(train.labels, minlength=n_classes)
    shown = np.flatnonzero(sizes >= 2)[:FIGURE13_CLASSES].tolist()  # classes with images to show
    save_figure(snakemake.output.figure, class_extremes_figure(
        means.reshape(-1, *train.images.shape[1:]), train.images, extremes_per_class(distances, train.labels, shown),
        train.characters, f"Figure 13: class mean, 2 closest and 2 furthest training images\n"
                          f"(the first {len(shown)} of {n_classes} classes)"))


run_stage(main, stage_logger("class_extremes", snakemake.log[0]))
