"""The control every study of data pruning judges a selection method against: a random subset
of the same size. Here it is drawn uniformly inside each class with exactly the per-class quotas
of the target it controls, so the class balance is held equal and only *which* images differs.

Each training seed trains on its own draw (``draw_method``), so the spread over seeds holds
the draw's variance as well as the network's; every draw is reproducible from the config seed."""

import numpy as np

from leanmlp.exceptions import DataFormatError
from leanmlp.sampling import keep_lowest_per_class
from leanmlp.seeding import stage_rng

RANDOM_CONTROL = "random"


def draw_method(draw: int) -> str:
    """The method folder of one draw: 'random/draw2' (its kept sets and projections live under it)."""
    return f"{RANDOM_CONTROL}/draw{draw}"


def draw_rng(config_seed: int, draw: int, target: str) -> np.random.Generator:
    """One stream per (draw, target): adding a target or a draw never moves another's images."""
    return stage_rng(config_seed, f"random-subset/{target}/draw{draw}")


def random_subset(labels: np.ndarray, quotas: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of a uniform draw of ``quotas[c]`` images from every class c (without
    replacement): the lowest of uniform random keys per class."""
    if np.any(np.bincount(labels, minlength=len(quotas)) < quotas):
        raise DataFormatError("a random control asks more images of a class than the training set holds")
    return keep_lowest_per_class(rng.random(len(labels)), labels, np.asarray(quotas))
