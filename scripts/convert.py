"""Stage convert: one official partition (idx in a zip, a folder, or sklearn digits) -> upright uint8 .npz."""

import numpy as np

from leanmlp.data.checksums import verify_md5
from leanmlp.data.labelled import save_labelled
from leanmlp.data.sources import load_part, source_kind
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    path, split, part = snakemake.params.path, snakemake.params.split, snakemake.wildcards.part
    md5 = snakemake.params.md5
    # A downloaded archive was verified by the download stage; a local zip is verified here.
    if md5 and source_kind(snakemake.params.source) == "zip":
        logger.info("verifying md5 of %s", path)
        verify_md5(path, md5)
    logger.info("reading split %r, part %r from %s", split, part, path)
    data = load_part(path, split, part)
    counts = np.bincount(data.labels, minlength=len(data.characters))
    logger.info("%d images of %s, %d classes (%d to %d per class)", len(data.labels),
                "x".join(map(str, data.images.shape[1:])), len(data.characters), counts.min(),
                counts.max())
    save_labelled(snakemake.output.part, data)


run_stage(main, stage_logger("convert", snakemake.log[0], job_label(snakemake.wildcards)))
