"""Stage download: fetch the EMNIST archive into resources/, resumable and md5-verified."""

from leanmlp.data.download import check_zip_archive, download
from leanmlp.exceptions import HostUnreachableError
from leanmlp.stage import ProgressReporter, job_label, run_stage, stage_logger


def main(logger):
    url, md5, dest = snakemake.params.url, snakemake.params.md5, snakemake.output.archive
    logger.info("downloading %s to %s (md5 %s)", url, dest, md5 or "not checked")
    try:
        download(url, dest, md5, progress=ProgressReporter(logger))
        check_zip_archive(dest, url)
    except HostUnreachableError as e:
        raise HostUnreachableError(
            f"{e}. This machine seems to be offline, so the archive cannot be downloaded. "
            f"Two ways forward: (1) copy NIST's gzip.zip here from a machine with internet "
            f"access and set data.source to its path (or to a folder holding its idx .gz files), "
            f"or (2) run the offline demo: snakemake --cores 4 --configfile config/demo.yaml"
        ) from e


run_stage(main, stage_logger("download", snakemake.log[0], job_label(snakemake.wildcards)))
