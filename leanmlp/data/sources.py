"""Data sources: EMNIST in NIST's layout (a zip, its download URL, or a folder of idx .gz files)
and scikit-learn's digits. Every source yields a ``LabelledImages``."""

import numpy as np

from leanmlp.data.emnist import check_emnist_split, check_parts, is_zip, load_emnist_part
from leanmlp.data.labelled import LabelledImages
from leanmlp.exceptions import ConfigError

DIGITS_SOURCE = "sklearn:digits"
DIGITS_PARTS = ("all",)  # the bundled digits come as one pool, with no official partition
# EMNIST splits that hold the paper's task, the 47 classes of Balanced: Balanced itself, and ByMerge
# (the same classes, unbalanced) standing in for it. Their accuracies can be set beside the paper's.
PAPER_TASK_SPLITS = ("balanced", "bymerge")


def source_kind(source: str) -> str:
    """Classify a ``data.source`` value: 'url', 'digits', 'zip' or 'directory'."""
    if source.startswith(("https://", "http://")):
        return "url"
    if source == DIGITS_SOURCE:
        return "digits"
    if is_zip(source):
        return "zip"
    return "directory"


def comparable_with_paper(source: str, split: str) -> bool:
    """Whether a run on this data measures the paper's task, so that its accuracies, epochs and
    sizes can be set beside the paper's: EMNIST's 47 classes, not another dataset."""
    return source_kind(source) != "digits" and split in PAPER_TASK_SPLITS


def check_data_config(source: str, split: str, parts: list[str]) -> None:
    """Raise ConfigError for a source/split/parts combination no loader can serve."""
    if "://" in source and source_kind(source) != "url":
        raise ConfigError(f"data.source {source}: only https:// (or http:// with data.md5) URLs are downloaded; "
                          "give a local zip or folder as a plain path, without file://")
    if source_kind(source) == "digits":
        check_parts(parts, DIGITS_PARTS, source)
    else:
        check_emnist_split(split, parts, source)


def load_digits() -> LabelledImages:
    """scikit-learn's bundled 8x8 digits (1,797 images, 10 classes), scaled from 0..16 to 0..255."""
    from sklearn.datasets import load_digits as sklearn_load_digits

    digits = sklearn_load_digits()
    images = np.rint(digits.images * (255.0 / 16.0)).astype(np.uint8)
    characters = tuple(str(d) for d in digits.target_names)
    return LabelledImages(images, digits.target.astype(np.uint8), characters)


def load_part(source: str, split: str, part: str) -> LabelledImages:
    """Load one partition of any configured source (see ``source_kind``)."""
    kind = source_kind(source)
    if kind == "url":
        raise ConfigError(f"{source} is a URL: download it first and load the local file")
    if kind == "digits":
        check_data_config(source, split, [part])
        return load_digits()
    return load_emnist_part(source, split, part)

