"""Stage score_figure: figure 14 (distance to the class mean) or 15 (PCA reconstruction RMSE),
the pruning score sorted within every class, with what each target keeps of each class."""

import numpy as np

from leanmlp.atomic import save_figure
from leanmlp.data.labelled import load_labelled
from leanmlp.mining.pruning import target_label, within_class_quantiles
from leanmlp.report.plots import sorted_score_figure
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    train = load_labelled(snakemake.input.train)
    with np.load(snakemake.input.scores) as f:
        scores, labels = f["scores"], train.labels[f["indices"]]
    n_classes = len(train.characters)
    shares = {}
    for label, path in zip(snakemake.params.target_labels, snakemake.input.kept, strict=True):
        label = target_label(label)
        with np.load(path) as f:
            present = f["class_sizes"] > 0
            shares[label] = f["quotas"][present] / f["class_sizes"][present]
    positions, mean, low, high = within_class_quantiles(scores, labels, n_classes)
    save_figure(snakemake.output.figure, sorted_score_figure(
        positions, mean, low, high, shares, snakemake.params.ylabel,
        f"{snakemake.params.title}: {len(scores):,} training images in {n_classes} classes"))


run_stage(main, stage_logger("score_figure", snakemake.log[0], job_label(snakemake.wildcards)))
