"""Stage collect: every training job's metrics in one table, and per run its mean and std over seeds,
once every job's four files are whole and agree."""

from pathlib import Path

from leanmlp.atomic import atomic_path
from leanmlp.report.job_files import read_training_jobs
from leanmlp.report.tables import aggregate_seeds, job_table
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    # every job's files checked whole and in step: a damaged one is refused by name, never read
    jobs = job_table(read_training_jobs([Path(path).parent for path in snakemake.input.metrics]))
    aggregated = aggregate_seeds(jobs)
    logger.info("%d jobs, %d (setting, run) pairs, %d diverged", len(jobs), len(aggregated),
                int(jobs.diverged.sum()))
    with atomic_path(snakemake.output.jobs) as tmp:
        jobs.to_csv(tmp, index=False)
    with atomic_path(snakemake.output.runs) as tmp:
        aggregated.to_csv(tmp, index=False)


run_stage(main, stage_logger("collect", snakemake.log[0]))
