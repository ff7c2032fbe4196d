# Shared helpers: config validation and the paths every stage agrees on.
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from leanmlp.datasets import check_data_config, emnist_file_names, source_kind
from leanmlp.exceptions import ConfigError
from leanmlp.pruning import target_slug

validate(config, "../schemas/config.schema.yaml")
try:
    check_data_config(config["data"]["source"], config["data"]["split"], config["data"]["parts"])
except ConfigError as e:
    raise WorkflowError(f"invalid configuration: {e}")

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


def run_hyperparameters(run):
    """A run's full hyperparameters: the defaults, overridden by the run's own keys."""
    return {**MLP["defaults"], **MLP["runs"][run]}


def training_inputs(wildcards):
    """The train/valid/test files a run reads, by its input variant."""
    return variant_files(run_hyperparameters(wildcards.run)["input"])


def run_outputs(filename):
    return expand(f"{RESULTS}/mlp/{{run}}/seed{{seed}}/{filename}", run=list(MLP["runs"]),
                  seed=MLP["seeds"])
