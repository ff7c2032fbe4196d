"""Stage mean_distance: distance of every training image to its class mean; keep the closest
per class for each target (figures 13 and 14)."""

import numpy as np

from leanmlp.atomic import save_figure, save_npz, write_json
from leanmlp.data_providers import as_features
from leanmlp.datasets import load_labelled
from leanmlp.plots import class_extremes_figure, sorted_score_figure
from leanmlp.pruning import (class_means, classes_kept_whole, distances_to_class_mean, extremes_per_class,
                             mean_sorted_curve, prune_to_targets)
from leanmlp.stage import run_stage, stage_logger


FIGURE13_CLASSES = 10  # rows of figure 13: more would not fit a page


def main(logger):
    train = load_labelled(snakemake.input.train)
    pixels, labels = as_features(train.images), train.labels
    n_classes = len(train.characters)
    means = class_means(pixels, labels, n_classes)
    distances = distances_to_class_mean(pixels, labels, means)
    sizes = np.bincount(labels, minlength=n_classes)
    kept, targets = {}, {}
    for (slug, quotas, indices), target in zip(
            prune_to_targets(distances, labels, n_classes, snakemake.params.targets, len(labels)),
            snakemake.params.targets):
        kept[slug] = indices.astype(np.int32)
        short = [train.characters[c] for c in classes_kept_whole(quotas, sizes)]
        targets[slug] = {"target": target, "kept": len(kept[slug]), "per_class_max": int(quotas.max()),
                         "per_class_min": int(quotas.min()), "classes_kept_whole": short}
        logger.info("%s: keeping %d of %d (%d to %d per class; %d of %d classes kept whole)",
                    slug, len(kept[slug]), len(labels), quotas.min(), quotas.max(), len(short), n_classes)
    save_npz(snakemake.output.scores, distances=distances, class_means=means)
    save_npz(snakemake.output.kept, **kept)
    write_json(snakemake.output.summary, {"distance_scale": "0..255 pixel values",
                                          "n_train": len(labels), "targets": targets})

    shape = train.images.shape[1:]
    shown = np.flatnonzero(sizes >= 2)[:FIGURE13_CLASSES].tolist()  # classes with images to show
    save_figure(snakemake.output.fig_extremes, class_extremes_figure(
        means.reshape(-1, *shape), train.images, extremes_per_class(distances, labels, shown),
        train.characters, f"Figure 13: class mean, 2 closest and 2 furthest training images\n"
                          f"(the first {len(shown)} of {n_classes} classes)"))
    curve, n_at_rank = mean_sorted_curve(distances, labels, n_classes)
    save_figure(snakemake.output.fig_curve, sorted_score_figure(
        curve, n_at_rank, {slug: t["per_class_max"] for slug, t in targets.items()},
        "distance to class mean (0..255 pixel scale)",
        "Figure 14: distance from the class mean,\nsorted within each class, averaged over classes"))


run_stage(main, stage_logger("mean_distance", snakemake.log[0]))
