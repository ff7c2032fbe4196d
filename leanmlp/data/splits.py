"""Pool partitions, shuffle with the seed and cut train/valid/test, as the paper did."""

import numpy as np
import pandas as pd

from leanmlp.data.labelled import LabelledImages
from leanmlp.exceptions import ConfigError, DataFormatError

SPLIT_NAMES = ("train", "valid", "test")


def check_size_fractions(sizes: dict[str, int | float]) -> None:
    """data.sizes fractions (floats) may not add up to more than the whole pool."""
    fractions = {name: sizes[name] for name in SPLIT_NAMES if isinstance(sizes[name], float)}
    if sum(fractions.values()) > 1.0 + 1e-9:
        shown = " + ".join(f"{name} {value:g}" for name, value in fractions.items())
        raise ConfigError(f"data.sizes: the fractions {shown} add up to {sum(fractions.values()):g}, more than 1")


def resolve_sizes(sizes: dict[str, int | float], pool_size: int) -> dict[str, int]:
    """Turn ``data.sizes`` into counts.

    An int is a count; a float in (0, 1] is a fraction of the pool, rounded down. When the
    fractions add up to 1, train takes the rounding remainder so the whole pool is used.
    """
    counts = {}
    for name in SPLIT_NAMES:
        value = sizes[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"data.sizes.{name} must be a count or a fraction, got {value!r}")
        if isinstance(value, float):
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"data.sizes.{name} = {value}: a fraction must be in (0, 1]")
            counts[name] = int(value * pool_size)
        else:
            if value < 1:
                raise ConfigError(f"data.sizes.{name} = {value}: a count must be at least 1")
            counts[name] = value
    check_size_fractions(sizes)
    fractions = [sizes[n] for n in SPLIT_NAMES if isinstance(sizes[n], float)]
    if len(fractions) == len(SPLIT_NAMES) and abs(sum(fractions) - 1.0) < 1e-9:
        counts["train"] += pool_size - sum(counts.values())
    total = sum(counts.values())
    if total > pool_size:
        asked = " + ".join(f"{n} {counts[n]}" for n in SPLIT_NAMES)
        raise ConfigError(
            f"data.sizes asks for {total} images ({asked}) but the pooled parts hold only "
            f"{pool_size}"
        )
    if min(counts.values()) < 1:
        raise ConfigError(f"data.sizes gives an empty split on a pool of {pool_size}: {counts}")
    return counts


def pool(parts: dict[str, LabelledImages]) -> tuple[LabelledImages, np.ndarray, np.ndarray]:
    """Concatenate partitions that share one class mapping.

    Returns the pooled ``LabelledImages`` and, per sample, (part index, index within part).
    """
    characters = parts[0].characters
    shapes = {p.images.shape[1:] for p in parts}
    if any(p.characters != characters for p in parts) or len(shapes) != 1:
        raise DataFormatError("the parts to pool differ in class mapping or image shape")
    origin_part = np.concatenate([np.full(len(p.labels), i, np.uint8) for i, p in enumerate(parts)])
    origin_index = np.concatenate([np.arange(len(p.labels), dtype=np.int64) for p in parts])
    pooled = LabelledImages(
        np.concatenate([p.images for p in parts]),
        np.concatenate([p.labels for p in parts]),
        characters,
    )
    return pooled, origin_part, origin_index


def split_indices(pool_size: int, counts: dict[str, int], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw disjoint index sets of the given sizes from a seeded permutation of the pool."""
    order = rng.permutation(pool_size)
    bounds = np.cumsum([0] + [counts[n] for n in SPLIT_NAMES])
    return {n: order[bounds[i]:bounds[i + 1]] for i, n in enumerate(SPLIT_NAMES)}


def class_counts(labels: np.ndarray, n_classes: int) -> np.ndarray:
    return np.bincount(labels, minlength=n_classes)


def split_summary(parts: list[str], pool_size: int, splits: dict[str, LabelledImages],
                  disk_bytes: dict[str, int]) -> tuple[dict, pd.DataFrame]:
    """What the split stage drew, for split_summary.json and class_counts.csv.

    parts : the partitions pooled; splits : {name: LabelledImages}; disk_bytes : {name: file size}.
    Returns (summary dict, per-class counts DataFrame with one column per split).
    """
    characters = splits[SPLIT_NAMES[0]].characters
    n_classes = len(characters)
    summary = {"parts": list(parts), "pool_size": int(pool_size), "n_classes": n_classes,
               "image_shape": list(splits[SPLIT_NAMES[0]].images.shape[1:]), "splits": {}}
    per_class = {}
    for name in SPLIT_NAMES:
        data = splits[name]
        per_class[name] = class_counts(data.labels, n_classes)
        n_pixels = int(np.prod(data.images.shape[1:]))
        summary["splits"][name] = {
            "n_samples": len(data.labels),
            "empty_classes": [characters[c] for c in np.flatnonzero(per_class[name] == 0)],
            "per_class_min": int(per_class[name].min()),
            "per_class_max": int(per_class[name].max()),
            "disk_bytes": int(disk_bytes[name]),
            "memory_bytes_uint8": len(data.labels) * n_pixels,
            "memory_bytes_float32": len(data.labels) * n_pixels * 4,
        }
    table = pd.DataFrame({"label": np.arange(n_classes), "character": list(characters), **per_class})
    return summary, table
