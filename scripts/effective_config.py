"""Stage effective_config: results/<name>/config.yaml, the config this results folder was made
with, after every --configfile and --config was laid over the defaults."""

import yaml

from leanmlp.atomic import write_text
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    write_text(snakemake.output.config, "# the effective config of this results folder, written by the workflow\n"
               + yaml.safe_dump(dict(snakemake.params.config), sort_keys=False))
    logger.info("effective config written to %s", snakemake.output.config)


run_stage(main, stage_logger("effective_config", snakemake.log[0]))
