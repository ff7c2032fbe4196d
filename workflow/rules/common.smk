# Shared helpers: config validation, the experiment matrix and the paths every stage agrees on.
import os
import re
import sys
from pathlib import Path

# The workflow runs the leanmlp beside it, whatever else the environment holds: the Snakefile
# imports it from here, and every stage script (a subprocess) finds it first on PYTHONPATH.
WORKFLOW_ROOT = Path(workflow.basedir).resolve()
sys.path.insert(0, str(WORKFLOW_ROOT))
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        [str(WORKFLOW_ROOT)]
        + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
)

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake.utils import validate

from leanmlp.baselines import baseline_input
from leanmlp.comparisons import expand_comparisons, history_runs
from leanmlp.configuration import apply_command_line, baseline_models, check_config
from leanmlp.datasets import emnist_file_names, source_kind
from leanmlp.download import archive_place
from leanmlp.exceptions import ConfigError
from leanmlp.experiments import describe_run
from leanmlp.matrix import (
    job_hyperparameters,
    mlp_settings,
    plan_matrix_of,
)
from leanmlp.provenance import code_digest
from leanmlp.pruning import target_slug


def script_code(name):
    """A digest of the leanmlp modules scripts/<name>.py imports, directly or not, as a param:
    editing one reruns exactly the jobs whose results it can change (Snakemake reruns a job
    whose params changed), without listing every module in every job's block."""
    return code_digest(WORKFLOW_ROOT / "scripts" / f"{name}.py")


def config_error(message):
    return WorkflowError(f"invalid configuration: {message}")


# --config passes nested values as strings: give them their YAML types before validation
try:
    apply_command_line(config, dict(workflow.config_settings.config))
except ConfigError as e:
    raise config_error(e)
validate(config, "../schemas/config.schema.yaml")
try:
    check_config(config)
except ConfigError as e:
    raise config_error(e)

RESULTS = f"results/{config['name']}"
DATA = config["data"]
SOURCE_KIND = source_kind(DATA["source"])


def downloaded_archive():
    """Where the download stage puts the archive of a URL source (see archive_place)."""
    return archive_place(DATA["source"], DATA["md5"])


def local_source():
    """The file or folder the convert stage reads: the download for a URL, else the source itself."""
    return downloaded_archive() if SOURCE_KIND == "url" else DATA["source"]


def convert_inputs(wildcards):
    """Exactly the files one partition needs, so Snakemake notices any of them changing."""
    if SOURCE_KIND == "digits":
        return []
    if SOURCE_KIND == "directory":
        return [
            str(Path(DATA["source"], name))
            for name in emnist_file_names(DATA["split"], wildcards.part).values()
        ]
    return [local_source()]


MINING = config["mining"]
PRUNING_METHODS = ("mean_distance", "rmse")


def target_slugs(method):
    return [target_slug(target) for target in MINING[method]["targets"]]


def pruning_target(wildcards):
    """The target dict of a prune job, found by its slug."""
    return {target_slug(t): t for t in MINING[wildcards.method]["targets"]}[
        wildcards.target
    ]


def kept_files(method):
    """The kept-indices file of every target of a pruning method, in target order."""
    return [
        f"{RESULTS}/mining/{method}/kept/{slug}.npz" for slug in target_slugs(method)
    ]


# Figures 14 and 15 (the score_figure rule), by file name, with the pruning method each shows.
SCORE_FIGURES = {
    "fig14_distance_from_class_mean": {
        "method": "mean_distance",
        "title": "Figure 14: distance from the class mean",
        "ylabel": "distance to the class mean (0..255 pixel scale)",
    },
    "fig15_pca_reconstruction_rmse": {
        "method": "rmse",
        "title": "Figure 15: PCA reconstruction RMSE after the mean-distance cut",
        "ylabel": "PCA reconstruction RMSE (0..255 pixel scale)",
    },
}


# Every training input: raw pixels, PCA-k on the full train set, and each pruned set.
INPUT_VARIANTS = ["raw", "pca"] + [
    f"{m}/{slug}" for m in PRUNING_METHODS for slug in target_slugs(m)
]


def split_files(folder):
    """{train, valid, test} -> their .npz under results/<name>/<folder>."""
    return {
        split: f"{RESULTS}/{folder}/{split}.npz" for split in ("train", "valid", "test")
    }


def variant_files(variant):
    """The train/valid/test files of an input variant (see INPUT_VARIANTS)."""
    return split_files("data" if variant == "raw" else f"mining/{variant}")


EXPERIMENTS_FILE = config["mlp"]["experiments"]
if not Path(EXPERIMENTS_FILE).is_file():
    raise config_error(f"mlp.experiments: no file {EXPERIMENTS_FILE}")
EXPERIMENTS = yaml.safe_load(Path(EXPERIMENTS_FILE).read_text())
validate(EXPERIMENTS, "../schemas/experiments.schema.yaml")
MLP = {**config["mlp"], **mlp_settings(EXPERIMENTS, config["mlp"])}
if "quick" in config:
    # A smoke-test scale of the same matrix: fewer epochs, subsampled baselines, and its own
    # results folder, so it never mixes with (or invalidates) a full run's outputs.
    config["name"] += "_quick"
    RESULTS = f"results/{config['name']}"
    MLP["defaults"]["epochs"] = config["quick"]["epochs"]
    config["baselines"]["train_size"] = config["quick"]["baseline_train_size"]
    logger.warning(
        f"quick mode: {config['quick']['epochs']} epochs per run, baselines on "
        f"{config['quick']['baseline_train_size']} images; results in {RESULTS}"
    )
try:
    MATRIX = plan_matrix_of(
        EXPERIMENTS_FILE,
        EXPERIMENTS,
        config["mlp"],
        MLP,
        {method: target_slugs(method) for method in PRUNING_METHODS},
        INPUT_VARIANTS,
    )
except ConfigError as e:
    raise config_error(e)
RUNS = MATRIX.runs
ROLES = MATRIX.roles


def run_settings(run):
    return MATRIX.settings_of(run, MLP["default_settings"])


# Every training job as (setting, run); each is trained once per seed of its run.
JOBS = [(setting, run) for run in RUNS for setting in run_settings(run)]

BASELINES = config["baselines"]
BASELINE_MODELS = baseline_models(BASELINES)


def hyperparameters_of(setting, run):
    return job_hyperparameters(MLP["defaults"], MLP["settings"][setting], RUNS[run])


def training_inputs(wildcards):
    """The train/valid/test files a job reads, by its input variant."""
    return variant_files(hyperparameters_of(wildcards.setting, wildcards.run)["input"])


def job_folders(jobs=None):
    """results/<name>/mlp/<setting>/<run>/seed<k> of every (setting, run) job and its seeds."""
    return [
        f"{RESULTS}/mlp/{setting}/{run}/seed{seed}"
        for setting, run in (JOBS if jobs is None else jobs)
        for seed in MATRIX.seeds[run]
    ]


def job_outputs(filename, jobs=None):
    """The file ``filename`` of every (setting, run) job and seed."""
    return [f"{folder}/{filename}" for folder in job_folders(jobs)]


# The tables compare the default settings (the record run has its own figure).
SETTINGS = MLP["default_settings"]
RECORD_RUN = ROLES.get("record")
# The input variant every run trains on (the same under every setting).
RUN_INPUTS = {
    run: hyperparameters_of(run_settings(run)[0], run)["input"] for run in RUNS
}

# Every number of the paper the report compares, checked against the reference now.
REFERENCE_FILE = "config/paper_reference.yaml"
try:
    COMPARISONS = expand_comparisons(
        MATRIX.comparisons,
        yaml.safe_load(Path(REFERENCE_FILE).read_text()),
        {"runs": RUNS, "roles": ROLES, "tables": MATRIX.tables},
    )
except ConfigError as e:
    raise config_error(f"{EXPERIMENTS_FILE}: {e}")
# The learning curves the comparisons read an epoch of: [{setting, run, seed, path}].
COMPARED_HISTORIES = [
    {
        "setting": setting,
        "run": run,
        "seed": seed,
        "path": f"{RESULTS}/mlp/{setting}/{run}/seed{seed}/history.csv",
    }
    for run in history_runs(COMPARISONS, ROLES)
    for setting in run_settings(run)
    for seed in MATRIX.seeds[run]
]


def slug(text):
    return re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_")


def curve_series(pairs):
    """[{setting, run, seeds}] of the (setting, run) pairs a learning-curve figure draws."""
    return [{"setting": s, "run": r, "seeds": MATRIX.seeds[r]} for s, r in pairs]


def curve_figures():
    """Figures 1-11 (the paper's runs, under every setting) and 17 (the record run beside the
    best raw model under the default settings), by file name: {title, series, dropout, majority},
    majority: whether to draw the accuracy of always guessing the most common class.
    """
    figures = {}
    for number, run in MATRIX.figures.items():
        pairs = [(setting, run) for setting in run_settings(run)]
        figures[f"fig{number:02d}_{slug(run)}"] = {
            "title": f"Figure {number}: {describe_run(hyperparameters_of(*pairs[0]))} (run {run})",
            "series": curve_series(pairs),
            "majority": False,
        }
    if RECORD_RUN is not None and "best_raw" in ROLES:
        same_model = ROLES["best_raw"]
        pairs = [(s, RECORD_RUN) for s in run_settings(RECORD_RUN)] + [
            (s, same_model) for s in run_settings(same_model)
        ]
        figures[f"fig17_{slug(RECORD_RUN)}"] = {
            "title": f"Figure 17: {describe_run(hyperparameters_of(*pairs[0]))} under the paper's "
            f"stated optimizer ({', '.join(run_settings(RECORD_RUN))}, run {RECORD_RUN}) and under "
            f"{', '.join(run_settings(same_model))} (run {same_model})",
            "series": curve_series(pairs),
            "majority": True,
        }
    for figure in figures.values():
        figure["dropout"] = any(
            hyperparameters_of(series["setting"], series["run"])["dropout_keep"]
            is not None
            for series in figure["series"]
        )
    return figures


def curve_histories(wildcards):
    """The history.csv of every seed a learning-curve figure draws, in series order."""
    return [
        f"{RESULTS}/mlp/{series['setting']}/{series['run']}/seed{seed}/history.csv"
        for series in CURVE_FIGURES[wildcards.curve]["series"]
        for seed in series["seeds"]
    ]


CURVE_FIGURES = curve_figures()
# Figures 12-15, one job each (after quick mode has chosen RESULTS).
MINING_FIGURES = [
    f"{RESULTS}/figures/fig12_pca_explained_variance.png",
    f"{RESULTS}/figures/fig13_class_mean_extremes.png",
] + [f"{RESULTS}/figures/{name}.png" for name in SCORE_FIGURES]
CURVE_FILES = [f"{RESULTS}/figures/{name}.png" for name in CURVE_FIGURES]


def memory_from_inputs(base_mb, per_input_mb):
    """mem_mb for a cluster scheduler from the job's input size: the arrays dominate every
    stage's memory (factors measured on 100,000 x 784 EMNIST with room to spare)."""
    return lambda wildcards, input: int(base_mb + per_input_mb * input.size_mb)


def training_runtime(wildcards):
    """Minutes for one training job: about 2 s per epoch of 100,000 x 784 on one core, doubled."""
    return 10 + int(
        hyperparameters_of(wildcards.setting, wildcards.run)["epochs"] * 4 / 60
    )
