"""Training-sample pruning: keep, per class, the samples with the lowest score.

Two scores, as in the paper (section 4.5.2): the Euclidean distance of a sample to its
class mean, and the root-mean-square error of its reconstruction from a PCA projection.

Targets (how many samples to keep) are given per class, as a total, as a fraction of a
reference size, or as a fraction kept of every class (``proportional``). A total is shared
as evenly as the classes allow ("water-filling"): every class keeps min(its size, q)
samples for the largest cap q that fits, and the few samples left over go one each to the
lowest-numbered classes still above the cap. So a total is met exactly whenever the data
holds that many samples, and a class smaller than its share
keeps all of its samples (recorded as short in the summary), never more.

A ``proportional`` target keeps the class prior instead: every class keeps the same share of
its samples, the rounding shared out by largest remainder, so an unbalanced set stays as
unbalanced as it was (the others make it more balanced, by cutting the large classes first).
"""

from collections.abc import Iterable

import numpy as np

from leanmlp.exceptions import ConfigError
from leanmlp.mining.pca import PCA
from leanmlp.sampling import keep_lowest_per_class, proportional_quotas

TARGET_KINDS = ("per_class", "total", "fraction", "proportional")

PRUNING_METHODS = ("mean_distance", "rmse")  # the paper's two scores, each with its own targets


def target_slug(target: dict) -> str:
    """A file-system name for a target dict: {'total': 89300} -> 'total89300'."""
    (kind, value), = target.items()
    return f"{kind}{value}"


def target_label(slug: str) -> str:
    """A target's slug in words: 'total89300' -> 'total 89,300', 'per_class2000' -> 'per class 2,000'."""
    kind = slug.rstrip("0123456789.")
    value = slug[len(kind):]
    return f"{kind.replace('_', ' ')} {float(value):,g}" if value else slug


def class_quotas(class_sizes: np.ndarray, target: dict, reference_size: int) -> np.ndarray:
    """Samples to keep per class for a target dict with one key of ``TARGET_KINDS``.

    class_sizes : (n_classes,) ints, how many samples each class has now
    reference_size : the size a ``fraction`` refers to (the full training set)
    """
    if len(target) != 1 or next(iter(target)) not in TARGET_KINDS:
        raise ConfigError(f"a pruning target is one of {TARGET_KINDS}, got {target}")
    (kind, value), = target.items()
    class_sizes = np.asarray(class_sizes, dtype=np.int64)
    if kind == "per_class":
        if not (isinstance(value, int) and value >= 1):
            raise ConfigError(f"per_class target must be a count >= 1, got {value!r}")
        if value >= class_sizes.max():
            raise ConfigError(f"per_class target {value} is no smaller than the largest class ({class_sizes.max()}): "
                              f"it would keep all {class_sizes.sum()} samples and prune nothing; give a count below "
                              f"{class_sizes.max()}, or {{fraction: 1.0}} to keep everything on purpose")
        return np.minimum(class_sizes, value)
    if kind in ("fraction", "proportional"):
        if not (isinstance(value, (int, float)) and 0.0 < value <= 1.0):
            raise ConfigError(f"{kind} target must be in (0, 1], got {value!r}")
    if kind == "proportional":
        return proportional_quotas(class_sizes, int(round(value * class_sizes.sum())))
    if kind == "fraction":
        total = int(round(value * reference_size))
    else:
        total = value
    if not (isinstance(total, int) and 1 <= total <= class_sizes.sum()):
        raise ConfigError(f"target {target} asks for {total} samples; {class_sizes.sum()} are available")
    # Largest cap q with sum(min(size, q)) <= total, by bisection over integers.
    low, high = 0, int(class_sizes.max())
    while low < high:
        cap = (low + high + 1) // 2
        if np.minimum(class_sizes, cap).sum() <= total:
            low = cap
        else:
            high = cap - 1
    quotas = np.minimum(class_sizes, low)
    leftover = total - quotas.sum()
    quotas[np.flatnonzero(class_sizes > low)[:leftover]] += 1
    return quotas


def classes_kept_whole(quotas: np.ndarray, class_sizes: np.ndarray) -> np.ndarray:
    """The classes a target keeps entirely (their quota is their size)."""
    return np.flatnonzero(np.asarray(quotas) == np.asarray(class_sizes))


def prune_to_target(scores: np.ndarray, labels: np.ndarray, n_classes: int, target: dict,
                    reference_size: int) -> tuple[np.ndarray, np.ndarray]:
    """(per-class quotas, sorted indices of the kept samples) of one target dict."""
    quotas = class_quotas(np.bincount(labels, minlength=n_classes), target, reference_size)
    return quotas, keep_lowest_per_class(scores, labels, quotas)


def pruning_summary(kept: dict, class_sizes: np.ndarray, characters: tuple[str, ...]) -> dict:
    """What each target kept, for a method's summary.json.

    kept : {slug: (target dict, per-class quotas)}; class_sizes : the scored set's class sizes.
    """
    summary = {}
    for slug, (target, quotas) in kept.items():
        quotas = np.asarray(quotas)
        summary[slug] = {"target": target, "kept": int(quotas.sum()), "per_class_max": int(quotas.max()),
                         "per_class_min": int(quotas.min()),
                         "classes_kept_whole": [characters[c] for c in classes_kept_whole(quotas, class_sizes)]}
    return summary


def class_means(inputs: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """(n_classes, n_features) float32 mean of every class (accumulated in float64); a class
    with no samples (the split stage names it) gets zeros: it has nothing to score or keep."""
    counts = np.bincount(labels, minlength=n_classes)
    # one row-sum per class: far faster than np.add.at over 100k rows
    sums = np.stack([inputs[labels == label].sum(axis=0, dtype=np.float64)
                     for label in range(n_classes)])
    return (sums / np.maximum(counts, 1)[:, None]).astype(np.float32)


def distances_to_class_mean(inputs: np.ndarray, labels: np.ndarray, means: np.ndarray,
                            chunk_size: int = 20000) -> np.ndarray:
    """(n_samples,) float32 Euclidean distance of every sample to its class mean."""
    distances = np.empty(len(labels), dtype=np.float32)
    for start in range(0, len(labels), chunk_size):
        stop = start + chunk_size
        difference = inputs[start:stop].astype(np.float32) - means[labels[start:stop]]
        distances[start:stop] = np.sqrt(np.einsum("ij,ij->i", difference, difference))
    return distances


def reconstruction_rmse(inputs: np.ndarray, pca: PCA, scale: float = 1.0, chunk_size: int = 20000) -> np.ndarray:
    """(n_samples,) float32 RMSE between each sample and its reconstruction from ``pca``.

    inputs : what ``pca`` was fitted on; ``scale`` multiplies the result (e.g. 255 to
    report on the 0..255 pixel scale when the inputs are in [0, 1]).
    """
    rmse = np.empty(len(inputs), dtype=np.float32)
    for start in range(0, len(inputs), chunk_size):
        chunk = inputs[start:start + chunk_size].astype(np.float32)
        error = chunk - pca.inverse_transform(pca.transform(chunk))
        rmse[start:start + chunk_size] = np.sqrt(np.einsum("ij,ij->i", error, error) / chunk.shape[1])
    return rmse * np.float32(scale)


def within_class_quantiles(scores: np.ndarray, labels: np.ndarray, n_classes: int,
                           n_points: int = 201) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scores sorted within each class and read at the same share of every class (figures 14, 15).

    Classes differ in size, so ranks are put on one scale: position p in [0, 1] of a class is
    its sample at rank p x (size - 1). Returns (positions, mean over classes, 10th and 90th
    percentile over classes), each (n_points,); classes without samples are left out.
    """
    positions = np.linspace(0.0, 1.0, n_points)
    rows = []
    for label in range(n_classes):
        members = np.sort(scores[labels == label])
        if len(members):
            rows.append(np.interp(positions * (len(members) - 1), np.arange(len(members)), members))
    curves = np.stack(rows)
    low, high = np.percentile(curves, [10, 90], axis=0)
    return positions, curves.mean(axis=0), low, high


def extremes_per_class(scores: np.ndarray, labels: np.ndarray, classes: Iterable[int], n: int = 2) -> dict:
    """For each class in ``classes``: indices of its n lowest and n highest scores."""
    result = {}
    for label in classes:
        members = np.flatnonzero(labels == label)
        order = members[np.argsort(scores[members], kind="stable")]
        result[label] = (order[:n], order[-n:][::-1])
    return result
