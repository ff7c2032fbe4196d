"""Every hyperparameter of a run, defined once: its name, the part of the run it sets, its
default and the values it may take. The order here is the order a job lists them in (its
params' text), the model's and the training's dataclasses take their defaults from here, and
the config schema's ``mlp_hyperparameters`` and ``setting`` are tested against it."""

import math
from dataclasses import dataclass

from leanmlp.nn.layers import ACTIVATION_LAYERS
from leanmlp.nn.learning_rules import LEARNING_RULES

ARCHITECTURE, TRAINING, INPUT = "architecture", "training", "input"


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter. low/high bound a number (or each entry of a list), ``open`` naming
    the bounds that are excluded ('low', 'high'); choices are the values a name may take."""

    name: str
    part: str
    default: object
    low: float = -math.inf
    high: float = math.inf
    open: tuple[str, ...] = ()
    number: bool = False  # a real number, checked as such before the model sees it
    choices: tuple[str, ...] = ()


HYPERPARAMETERS = (
    Hyperparameter("hidden", ARCHITECTURE, (128, 128, 128), low=1),
    Hyperparameter("activation", ARCHITECTURE, "relu", choices=tuple(ACTIVATION_LAYERS)),
    Hyperparameter("dropout_keep", ARCHITECTURE, None, low=0, high=1, open=("low",), number=True),
    Hyperparameter("dropout_after", ARCHITECTURE, (1, 2), low=1),
    Hyperparameter("l1", ARCHITECTURE, 0.0, low=0, number=True),
    Hyperparameter("l2", ARCHITECTURE, 0.0, low=0, number=True),
    Hyperparameter("batch_size", TRAINING, 100, low=1),
    Hyperparameter("epochs", TRAINING, 100, low=1),
    Hyperparameter("input", INPUT, "raw"),
    Hyperparameter("optimizer", TRAINING, "adam", choices=tuple(LEARNING_RULES)),
    Hyperparameter("learning_rate", TRAINING, 1e-3, low=0, open=("low",), number=True),
    Hyperparameter("momentum", TRAINING, 0.9, low=0, high=1, open=("high",), number=True),
)
BY_NAME = {hyperparameter.name: hyperparameter for hyperparameter in HYPERPARAMETERS}
DEFAULTS = {hyperparameter.name: hyperparameter.default for hyperparameter in HYPERPARAMETERS}
ORDER = tuple(BY_NAME)  # a job's hyperparameters are listed in this order


def names_of(part: str) -> tuple[str, ...]:
    return tuple(name for name, hyperparameter in BY_NAME.items() if hyperparameter.part == part)


NUMBERS = tuple(name for name, hyperparameter in BY_NAME.items() if hyperparameter.number)
