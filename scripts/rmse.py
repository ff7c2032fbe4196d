"""Stage rmse: after the mean-distance cut, refit PCA and score every kept image by the RMSE
of its reconstruction (the prune stage keeps the lowest per class for each target)."""

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.data.labelled import load_labelled
from leanmlp.mining.inputs import read_pca
from leanmlp.mining.pca import fit_pca
from leanmlp.mining.pruning import reconstruction_rmse
from leanmlp.nn.data_providers import scale_pixels
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    train = load_labelled(snakemake.input.train)
    with np.load(snakemake.input.after) as f:
        base = f["indices"]
    k = read_pca(snakemake.input.pca_train).n_components
    inputs = scale_pixels(train.images[base])
    pca = fit_pca(inputs, k)
    rmse = reconstruction_rmse(inputs, pca, scale=255)
    logger.info("after %s: %d images; PCA-%d refit captures %.2f%%; RMSE median %.1f (0..255 scale)",
                snakemake.params.after, len(base), k, 100 * pca.variance_captured(), np.median(rmse))
    save_npz(snakemake.output.scores, scores=rmse, indices=base, n_components=np.int64(k),
             variance_captured=np.float64(pca.variance_captured()))


run_stage(main, stage_logger("rmse", snakemake.log[0]))
