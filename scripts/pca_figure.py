"""Stage pca_figure: figure 12, the cumulative explained variance with the chosen k."""

import json

import numpy as np

from leanmlp.atomic import save_figure
from leanmlp.report.plots import explained_variance_figure
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    summary = json.loads(open(snakemake.input.summary).read())
    save_figure(snakemake.output.figure, explained_variance_figure(
        np.array(summary["explained_variance_ratio"]), summary["n_components"],
        f"Figure 12: PCA on {summary['n_train']:,} training images ({summary['n_features']} pixels)"))


run_stage(main, stage_logger("pca_figure", snakemake.log[0]))
