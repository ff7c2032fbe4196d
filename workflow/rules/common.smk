# Shared helpers: config validation and the paths every stage agrees on.
import re
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake.utils import validate

import leanmlp
from leanmlp.baselines import SLOW_BASELINES, baseline_input, check_baseline_name
from leanmlp.datasets import check_data_config, emnist_file_names, source_kind
from leanmlp.exceptions import ConfigError
from leanmlp.experiments import expand_experiments, job_hyperparameters, variant_runs
from leanmlp.pruning import target_slug
from leanmlp.reporting import describe_run

LIBRARY = Path(leanmlp.__file__).parent


def library(*modules):
    """The leanmlp modules a rule's script relies on, as inputs: editing one reruns its jobs."""
    return [str(LIBRARY / f"{module}.py") for module in ("stage", "atomic", *modules)]


validate(config, "../schemas/config.schema.yaml")
try:
    check_data_config(config["data"]["source"], config["data"]["split"], config["data"]["parts"])
except ConfigError as e:
    raise WorkflowError(f"invalid configuration: {e}")

if "quick" in config:
    # A smoke-test scale of the same matrix: fewer epochs, subsampled baselines, and its own
    # results folder, so it never mixes with (or invalidates) a full run's outputs.
    config["name"] += "_quick"
    config["mlp"]["defaults"]["epochs"] = config["quick"]["epochs"]
    config["baselines"]["train_size"] = config["quick"]["baseline_train_size"]
    logger.warning(f"quick mode: {config['quick']['epochs']} epochs per run, baselines on "
                   f"{config['quick']['baseline_train_size']} images; results in results/{config['name']}")

RESULTS = f"results/{config['name']}"
DATA = config["data"]
SOURCE_KIND = source_kind(DATA["source"])


def downloaded_archive():
    """Where the download stage puts the archive of a URL source (shared by every config)."""
    return f"resources/emnist/{Path(DATA['source']).name}"


def local_source():
    """The file or folder the convert stage reads: the download for a URL, else the source itself."""
    return downloaded_archive() if SOURCE_KIND == "url" else DATA["source"]


def convert_inputs(wildcards):
    """Exactly the files one partition needs, so Snakemake notices any of them changing."""
    if SOURCE_KIND == "digits":
        return []
    if SOURCE_KIND == "directory":
        return [str(Path(DATA["source"], name))
                for name in emnist_file_names(DATA["split"], wildcards.part).values()]
    return [local_source()]


MLP = config["mlp"]
MINING = config["mining"]
PRUNING_METHODS = ("mean_distance", "rmse")


def target_slugs(method):
    return [target_slug(target) for target in MINING[method]["targets"]]


# Every training input: raw pixels, PCA-k on the full train set, and each pruned set.
INPUT_VARIANTS = ["raw", "pca"] + [f"{m}/{slug}" for m in PRUNING_METHODS for slug in target_slugs(m)]


def split_files(folder):
    """{train, valid, test} -> their .npz under results/<name>/<folder>."""
    return {split: f"{RESULTS}/{folder}/{split}.npz" for split in ("train", "valid", "test")}


def variant_files(variant):
    """The train/valid/test files of an input variant (see INPUT_VARIANTS)."""
    if variant not in INPUT_VARIANTS:
        raise WorkflowError(f"unknown training input {variant!r}; known: {', '.join(INPUT_VARIANTS)}")
    return split_files("data" if variant == "raw" else f"mining/{variant}")


EXPERIMENTS = yaml.safe_load(Path(MLP["experiments"]).read_text())
validate(EXPERIMENTS, "../schemas/experiments.schema.yaml")
RUNS = expand_experiments(EXPERIMENTS, {method: target_slugs(method) for method in PRUNING_METHODS})


def run_settings(run):
    return RUNS[run].get("settings", MLP["default_settings"])


# Every training job as (setting, run); each is trained once per seed.
JOBS = [(setting, run) for run in RUNS for setting in run_settings(run)]
for _setting, _run in JOBS:
    if _setting not in MLP["settings"]:
        raise WorkflowError(f"run {_run!r} asks for optimizer setting {_setting!r}; "
                            f"mlp.settings has {', '.join(MLP['settings'])}")
    if job_hyperparameters(MLP["defaults"], {}, RUNS[_run]).get("input", "raw") not in INPUT_VARIANTS:
        raise WorkflowError(f"run {_run!r}: unknown input {RUNS[_run]['input']!r}; "
                            f"known: {', '.join(INPUT_VARIANTS)}")


BASELINES = config["baselines"]
BASELINE_MODELS = BASELINES["models"] + (list(SLOW_BASELINES) if BASELINES.get("slow_models") else [])
for _model in BASELINE_MODELS:
    try:
        check_baseline_name(_model)
    except ConfigError as e:
        raise WorkflowError(f"invalid configuration: {e}")


def hyperparameters_of(setting, run):
    return job_hyperparameters(MLP["defaults"], MLP["settings"][setting], RUNS[run])


def training_inputs(wildcards):
    """The train/valid/test files a job reads, by its input variant."""
    return variant_files(hyperparameters_of(wildcards.setting, wildcards.run)["input"])


def job_outputs(filename, jobs=None):
    """The file ``filename`` of every (setting, run) job and seed."""
    return [f"{RESULTS}/mlp/{setting}/{run}/seed{seed}/{filename}"
            for setting, run in (JOBS if jobs is None else jobs) for seed in MLP["seeds"]]


# Rows of tables 3 and 4: the table-3 base model on every pruned variant, in target order.
TABLE3_RUNS = [EXPERIMENTS["table3_base"]] + variant_runs(
    RUNS, EXPERIMENTS["table3_base"], "mean_distance", target_slugs("mean_distance"))
TABLE4_RUNS = variant_runs(RUNS, EXPERIMENTS["table3_base"], "rmse", target_slugs("rmse"))
# The tables compare the default settings (the record run has its own figure).
SETTINGS = MLP["default_settings"]
# The record run: the one that names its own optimizer settings (Adam at the paper's lr 0.1).
RECORD_RUN = next((run for run in RUNS if "settings" in RUNS[run]), None)


def slug(text):
    return re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_")


def curve_figures():
    """Figures 1-11 (the paper's runs, under every setting) and 17 (the record run beside the
    same model under the default settings): [{file, title, series: [(setting, run)]}]."""
    figures = []
    for number, run in sorted(EXPERIMENTS["figures"].items()):
        described = describe_run(job_hyperparameters(MLP["defaults"], {}, RUNS[run]))
        figures.append({"file": f"{RESULTS}/figures/fig{number:02d}_{slug(run)}.png",
                        "title": f"Figure {number}: {described}",
                        "series": [(setting, run) for setting in run_settings(run)]})
    if RECORD_RUN is not None:
        same_model = EXPERIMENTS["table2_mlp"][2]
        figures.append({"file": f"{RESULTS}/figures/fig17_{slug(RECORD_RUN)}.png",
                        "title": f"Figure 17: the same model under the paper's stated optimizer "
                                 f"({', '.join(run_settings(RECORD_RUN))}) and under "
                                 f"{', '.join(run_settings(same_model))}",
                        "series": [(s, RECORD_RUN) for s in run_settings(RECORD_RUN)]
                                  + [(s, same_model) for s in run_settings(same_model)]})
    return figures


CURVE_FIGURES = curve_figures()


def memory_from_inputs(base_mb, per_input_mb):
    """mem_mb for a cluster scheduler from the job's input size: the arrays dominate every
    stage's memory (factors measured on 100,000 x 784 EMNIST with room to spare)."""
    return lambda wildcards, input: int(base_mb + per_input_mb * input.size_mb)


def training_runtime(wildcards):
    """Minutes for one training job: about 2 s per epoch of 100,000 x 784 on one core, doubled."""
    return 10 + int(hyperparameters_of(wildcards.setting, wildcards.run)["epochs"] * 4 / 60)
