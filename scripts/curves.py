"""Stage curves: figures 1-11 (learning curves of the paper's runs) and 17 (the Adam lr 0.1 record)."""

import pandas as pd

from leanmlp.atomic import save_figure
from leanmlp.plots import learning_curves_figure
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    paths = iter(snakemake.input.histories)
    for figure, output in zip(snakemake.params.figures, snakemake.output):
        histories = {setting: [pd.read_csv(next(paths)) for _ in snakemake.params.seeds]
                     for setting in figure["settings"]}
        save_figure(output, learning_curves_figure(histories, figure["title"]))
        logger.info("%s: %s", output, figure["title"])


run_stage(main, stage_logger("curves", snakemake.log[0]))
