"""Stage pca_summary: k, the variance it captures and the whole spectrum, read off the PCA the
pca stage stored with its training features."""

import numpy as np

from leanmlp.atomic import write_json
from leanmlp.mining.inputs import read_pca
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    pca = read_pca(snakemake.input.train)
    with np.load(snakemake.input.train) as f:
        n_train = len(f["labels"])
    k, n_features = pca.components.shape
    write_json(snakemake.output.summary, {
        "rule": dict(snakemake.params.rule), "n_components": k, "n_features": n_features, "n_train": n_train,
        "variance_captured": pca.variance_captured(), "transform_bytes": pca.nbytes(),
        "explained_variance_ratio": pca.explained_variance_ratio.tolist()})
    logger.info("k = %d of %d features: %.2f%% of the variance", k, n_features, 100 * pca.variance_captured())


run_stage(main, stage_logger("pca_summary", snakemake.log[0]))
