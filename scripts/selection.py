"""Stage selection: figure 18 and the selection table, one network on every selected training set
beside the random control and the full set. It reads only those jobs, so
``snakemake selection`` trains and draws exactly them, without the rest of the matrix."""

from pathlib import Path

from leanmlp.atomic import atomic_path, save_figure, write_text
from leanmlp.report.job_files import read_training_jobs
from leanmlp.report.plots import selection_figure
from leanmlp.report.selection import selection_markdown, selection_points
from leanmlp.report.tables import job_table
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    jobs = job_table(read_training_jobs([Path(path).parent for path in snakemake.input.metrics]))
    points = selection_points(jobs, snakemake.params.selection_runs, snakemake.params.reference,
                              list(snakemake.params.settings))
    with atomic_path(snakemake.output.table) as tmp:
        points.to_csv(tmp, index=False)
    write_text(snakemake.output.table_md, selection_markdown(points) + "\n")
    save_figure(snakemake.output.figure,
                selection_figure(points, "Figure 18: test accuracy of one network on every selected training set"))
    logger.info("figure 18 and the selection table: %d training sets of %d jobs", len(points), len(jobs))


run_stage(main, stage_logger("selection", snakemake.log[0]))
