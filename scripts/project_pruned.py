"""Stage project_pruned: refit PCA on one pruned training set and project all splits (the
trainer's input for that variant; the images themselves are not copied)."""

import numpy as np

from leanmlp.data.labelled import load_labelled
from leanmlp.mining.inputs import read_pca, save_features
from leanmlp.mining.pca import fit_pca
from leanmlp.nn.data_providers import scale_pixels
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    with np.load(snakemake.input.kept) as f:
        kept = f["indices"]
    k = read_pca(snakemake.input.pca_train).n_components
    train = load_labelled(snakemake.input.train)
    inputs = scale_pixels(train.images[kept])
    pca = fit_pca(inputs, k)
    logger.info("%s/%s: %d training images, PCA-%d refit captures %.2f%%", snakemake.wildcards.method,
                snakemake.wildcards.target, len(kept), k, 100 * pca.variance_captured())
    save_features(snakemake.output.train, pca.transform(inputs), train.labels[kept], train.characters,
                  pca, kept_indices=kept)
    for split in ("valid", "test"):
        data = load_labelled(snakemake.input[split])
        save_features(snakemake.output[split], pca.transform(scale_pixels(data.images)), data.labels,
                      data.characters)


run_stage(main, stage_logger("project_pruned", snakemake.log[0], job_label(snakemake.wildcards)))
