"""Stage rmse: after the mean-distance cut, refit PCA, score every kept image by the RMSE of its
reconstruction, keep the lowest per class for each target (figure 15)."""

import json

import numpy as np

from leanmlp.atomic import save_figure, save_npz, write_json
from leanmlp.data_providers import scale_pixels
from leanmlp.datasets import load_labelled
from leanmlp.pca import fit_pca
from leanmlp.plots import sorted_score_figure
from leanmlp.pruning import mean_sorted_curve, prune_to_targets, reconstruction_rmse, target_slug
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    train = load_labelled(snakemake.input.train)
    n_classes = len(train.characters)
    after = target_slug(snakemake.params.after)
    with np.load(snakemake.input.mean_distance_kept) as f:
        base = f[after]
    k = json.loads(open(snakemake.input.pca_summary).read())["n_components"]
    inputs, labels = scale_pixels(train.images[base]), train.labels[base]
    pca = fit_pca(inputs, k)
    rmse = reconstruction_rmse(inputs, pca, scale=255)
    logger.info("after %s: %d images; PCA-%d refit captures %.2f%%; RMSE median %.1f (0..255 scale)",
                after, len(base), k, 100 * pca.variance_captured(), np.median(rmse))
    kept, targets = {}, {}
    for (slug, quotas, indices), target in zip(
            prune_to_targets(rmse, labels, n_classes, snakemake.params.targets, len(train.labels)),
            snakemake.params.targets):
        kept[slug] = np.sort(base[indices]).astype(np.int32)  # indices into the full training set
        targets[slug] = {"target": target, "kept": len(kept[slug]), "per_class_max": int(quotas.max()),
                         "per_class_min": int(quotas.min())}
        logger.info("%s: keeping %d (%d to %d per class)", slug, len(kept[slug]), quotas.min(), quotas.max())
    save_npz(snakemake.output.scores, rmse=rmse, base_indices=base)
    save_npz(snakemake.output.kept, **kept)
    write_json(snakemake.output.summary, {"after": after, "n_components": k, "rmse_scale": "0..255 pixel values",
                                          "variance_captured": pca.variance_captured(), "targets": targets})
    curve, n_at_rank = mean_sorted_curve(rmse, labels, n_classes)
    save_figure(snakemake.output.figure, sorted_score_figure(
        curve, n_at_rank, {slug: t["per_class_max"] for slug, t in targets.items()},
        "PCA reconstruction RMSE (0..255 pixel scale)",
        f"Figure 15: PCA reconstruction RMSE after the {after} cut,\nsorted within each class, averaged over classes"))


run_stage(main, stage_logger("rmse", snakemake.log[0]))
