"""Stage curves: one learning-curve figure, 1-11 (the paper's runs) or 17 (the Adam lr 0.1 record)."""

import pandas as pd

from leanmlp.atomic import save_figure
from leanmlp.report.plots import learning_curves_figure, setting_colours
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    figure = snakemake.params.figure
    paths = iter(snakemake.input.histories)
    colours = setting_colours(snakemake.params.all_settings)
    settings = [series.setting for series in figure.series]
    distinct = len(set(settings)) == len(settings)
    histories, series_colours = {}, {}
    for series in figure.series:
        label = series.setting if distinct else f"{series.setting} {series.run}"
        histories[label] = [pd.read_csv(next(paths)) for _ in series.seeds]
        series_colours[label] = colours[series.setting]
    majority = None
    if figure.majority:
        valid = pd.read_csv(snakemake.input.class_counts).valid
        majority = float(valid.max() / valid.sum())
    save_figure(snakemake.output.figure, learning_curves_figure(histories, figure.title, series_colours,
                                                                figure.dropout, majority,
                                                                snakemake.params.train_curve_sample))
    logger.info("%s: %s", snakemake.output.figure, figure.title)


run_stage(main, stage_logger("curves", snakemake.log[0], job_label(snakemake.wildcards)))
