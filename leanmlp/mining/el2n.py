"""EL2N, a selection score from the data-pruning literature (Paul et al. 2021, "Deep learning on
a data diet"): the L2 norm of a network's softmax output minus the one-hot label, early in
training, averaged over a few independently seeded trainings. A low score marks an image the
network already gets right with confidence ("easy"); the highest mark images it cannot fit,
mislabelled ones among them.

The scoring network is a run of the experiments file trained for a few epochs on the full
training set; each seed is its own job, and ``selection_scores`` turns the mean into the score
the prune stage keeps the lowest of, for the declared direction."""

from collections.abc import Callable

import numpy as np

from leanmlp.exceptions import ConfigError
from leanmlp.nn.data_providers import BatchProvider
from leanmlp.nn.fitting import fit_network, split_hyperparameters
from leanmlp.nn.losses import SoftmaxCrossEntropy

KEEP_DIRECTIONS = ("easy", "hard")  # keep the lowest scores, or the highest
SCORING_BATCH = 2000  # images per forward pass of the scoring network


def el2n(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(n,) float32 ||softmax(logits) - onehot(labels)||_2 of each row; 0 for a certain right
    answer, sqrt(2) for a certain wrong one. softmax - onehot is the cross-entropy's gradient with
    respect to each row's logits (the loss's gradient of the batch mean, times the batch size)."""
    error = SoftmaxCrossEntropy().grad(logits.astype(np.float64), labels) * len(labels)
    return np.sqrt(np.einsum("ij,ij->i", error, error)).astype(np.float32)


def score_by_training(hyperparameters: dict, inputs: np.ndarray, labels: np.ndarray, n_classes: int, seed: int,
                      on_epoch: Callable | None = None) -> np.ndarray:
    """EL2N of every training image after training ``hyperparameters``' network on them for its
    epochs (evaluation mode: no dropout in the scoring pass)."""
    spec, settings = split_hyperparameters(hyperparameters, inputs.shape[1], n_classes)
    model, _ = fit_network(spec, settings, (inputs, labels), None, seed, on_epoch=on_epoch)
    # in order, scaled as the trainer scales them (uint8 pixels to [0, 1] per batch)
    return np.concatenate([el2n(model.logits(batch), batch_labels)
                           for batch, batch_labels in BatchProvider(inputs, labels, SCORING_BATCH)])


def selection_scores(mean_el2n: np.ndarray, keep: str) -> np.ndarray:
    """The score the prune stage keeps the lowest of: EL2N itself to keep the easy images, its
    negative to keep the hard ones."""
    if keep not in KEEP_DIRECTIONS:
        raise ConfigError(f"el2n.keep is one of {KEEP_DIRECTIONS}, got {keep!r}")
    return mean_el2n if keep == "easy" else -mean_el2n


def mean_score(scores_by_seed: dict[int, np.ndarray]) -> tuple[np.ndarray, list[int]]:
    """(float32 mean EL2N over the scoring seeds whose network did not diverge, those seeds). A
    diverged network leaves NaN scores, which rank nothing; if every seed diverged, no score can
    be had and the config must change."""
    usable = {seed: scores for seed, scores in scores_by_seed.items() if np.all(np.isfinite(scores))}
    if not usable:
        seeds = ", ".join(map(str, scores_by_seed))
        raise ConfigError(f"the EL2N scoring network diverged under every scoring seed ({seeds}): give "
                          "mining.el2n.scoring a setting or epochs it trains under")
    mean = np.mean(list(usable.values()), axis=0, dtype=np.float64).astype(np.float32)
    return mean, sorted(usable)
