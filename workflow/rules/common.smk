# The plan of this config (leanmlp.plan) and the input functions the rules call on it.
import os
import sys
import warnings
from pathlib import Path

import yaml

# The workflow runs the leanmlp beside it, whatever else the environment holds: the Snakefile
# imports it from here, and every stage script (a subprocess) finds it first on PYTHONPATH.
WORKFLOW_ROOT = Path(workflow.basedir).resolve()
sys.path.insert(0, str(WORKFLOW_ROOT))
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        [str(WORKFLOW_ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
)

from jsonschema.exceptions import ValidationError
from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake.utils import validate

from leanmlp.exceptions import ConfigError
from leanmlp.stage import CondensedSchedulerLog
from leanmlp.mining.pruning import target_slug
from leanmlp.mining.random_control import RANDOM_CONTROL
from leanmlp.mining.selection import SCORED_METHODS
from leanmlp.plan import (
    REFERENCE_FILE,
    SCORE_FIGURES,
    TRAINING_FILES,
    build_plan,
    config_change_note,
    live_run_note,
    load_experiments,
)
from leanmlp.provenance import code_digest
from leanmlp.study.baselines import baseline_input
from leanmlp.study.configuration import apply_command_line, check_config, schema_error_line


def validated(data, schema, where):
    """Snakemake's schema validation (which also fills the schema's defaults), its error as one
    line naming the file and the key instead of a dump of the schema."""
    try:
        validate(data, schema)
    except WorkflowError as e:
        error = e.__context__  # Snakemake raises its WorkflowError while handling jsonschema's error
        if not isinstance(error, ValidationError):
            raise
        raise ConfigError(f"{where}: {schema_error_line(error)}") from None


def read_plan():
    """The validated config's plan; any mistake in the config or the experiments file is one
    line naming it, before any job runs."""
    try:
        # --config passes nested values as strings: give them their YAML types first
        apply_command_line(config, dict(workflow.config_settings.config))
        validated(config, "../schemas/config.schema.yaml", "the config")
        check_config(config)
        experiments_file, experiments = load_experiments(config)
        validated(experiments, "../schemas/experiments.schema.yaml", experiments_file)
        # the paper's numbers, from beside this workflow whatever the working directory
        reference = yaml.safe_load((WORKFLOW_ROOT / REFERENCE_FILE).read_text())
        plan = build_plan(config, experiments_file, experiments, reference)
    except ConfigError as e:
        raise WorkflowError(f"invalid configuration: {e}")
    notes = [*plan.notes, config_change_note(f"{plan.results}/config.yaml", plan.config)]
    if workflow.is_main_process:  # a cluster job parses the workflow again while its run holds the locks
        notes.append(live_run_note(os.getcwd()))
    for note in notes:
        if note:
            logger.warning(note)
    return plan


PLAN = read_plan()
if workflow.is_main_process:
    logger.addFilter(CondensedSchedulerLog())


def script_code(name):
    """A digest of the leanmlp modules scripts/<name>.py imports, directly or not, as a param:
    editing one reruns exactly the jobs whose results it can change (Snakemake reruns a job
    whose params changed), without listing every module in every job's block."""
    return code_digest(WORKFLOW_ROOT / "scripts" / f"{name}.py")


# `snakemake --report` evaluates these memory functions inside its own event loop, where
# input.size_mb cannot run: Snakemake leaves the size undecided, and the coroutine it made for it
# warns, unawaited, on exit. Nothing is lost; the warning is for Snakemake's developers.
warnings.filterwarnings("ignore", message="coroutine 'InputFiles._predicated_size_files", category=RuntimeWarning)


def memory_from_inputs(base_mb, per_input_mb):
    """mem_mb for a cluster scheduler from the job's input size: the arrays dominate every
    stage's memory (factors measured on 100,000 x 784 EMNIST with room to spare)."""
    return lambda wildcards, input: int(base_mb + per_input_mb * input.size_mb)


def training_memory(wildcards, input):
    """A training job's mem_mb: its data, as every stage's, and its network."""
    return memory_from_inputs(200, 1.5)(wildcards, input) + PLAN.network_mb(wildcards.setting, wildcards.run)


def get_convert_inputs(wildcards):
    return PLAN.convert_inputs(wildcards.part)


def get_pruning_target(wildcards):
    return PLAN.pruning_target(wildcards.method, wildcards.target)


def get_kept_files(wildcards):
    return PLAN.kept_files(wildcards.method)


def get_target_slugs(wildcards):
    return PLAN.target_slugs(wildcards.method)


def get_score_figure_kept_files(wildcards):
    return PLAN.kept_files(SCORE_FIGURES[wildcards.figure]["method"])


def get_training_inputs(wildcards):
    """The train/valid/test files a job reads, by its input variant (a random one: its seed's draw)."""
    return PLAN.variant_files(PLAN.hyperparameters_of(wildcards.setting, wildcards.run)["input"], int(wildcards.seed))


def get_quota_file(wildcards):
    return f"{PLAN.results}/mining/{PLAN.quotas_of(wildcards.target)}/kept/{wildcards.target}.npz"


def get_quota_method(wildcards):
    return PLAN.quotas_of(wildcards.target)


def get_hyperparameters(wildcards):
    return PLAN.hyperparameters_of(wildcards.setting, wildcards.run)


def get_training_priority(wildcards):
    return PLAN.training_priority(wildcards.setting, wildcards.run)


def get_training_runtime(wildcards):
    return PLAN.training_runtime(wildcards.setting, wildcards.run)


def get_baseline_inputs(wildcards):
    return PLAN.variant_files(baseline_input(wildcards.model))


def get_curve_histories(wildcards):
    return PLAN.curve_histories(wildcards.curve)
