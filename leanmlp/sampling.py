"""Class quotas and subsets drawn inside classes: how a subset of labelled images keeps, or
sets, every class's share. The pruning methods, the random control and the training loop's
train-curve sample all choose images this way."""

import numpy as np


def proportional_quotas(class_sizes: np.ndarray, total: int) -> np.ndarray:
    """Quotas summing to ``total`` in proportion to ``class_sizes``: each class keeps the floor of
    its share, and the samples left over go to the largest remainders (ties to the lower class)."""
    shares = class_sizes * total / class_sizes.sum()
    quotas = np.floor(shares).astype(np.int64)
    leftover = total - quotas.sum()
    by_remainder = np.lexsort((np.arange(len(shares)), -(shares - quotas)))
    quotas[by_remainder[:leftover]] += 1
    return quotas


def keep_lowest_per_class(scores: np.ndarray, labels: np.ndarray, quotas: np.ndarray) -> np.ndarray:
    """Indices (sorted) of the ``quotas[c]`` lowest-scoring samples of every class c.

    Ties are broken by index, so the result is deterministic.
    """
    order = np.lexsort((np.arange(len(scores)), scores, labels))  # by class, then score
    sorted_labels = labels[order]
    class_start = np.searchsorted(sorted_labels, np.arange(len(quotas)))
    rank_in_class = np.arange(len(order)) - class_start[sorted_labels]
    return np.sort(order[rank_in_class < quotas[sorted_labels]])


def stratified_sample(labels: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of ``size`` images drawn uniformly inside each class, every class's quota in
    proportion to its share of ``labels``; all of them when ``size`` is not below their number."""
    if size >= len(labels):
        return np.arange(len(labels))
    quotas = proportional_quotas(np.bincount(labels), size)
    return keep_lowest_per_class(rng.random(len(labels)), labels, quotas)
