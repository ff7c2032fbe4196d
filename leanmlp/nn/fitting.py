"""One training run from a hyperparameter dict (as the config declares it) to its results."""

import math
import numbers
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from leanmlp.exceptions import ConfigError
from leanmlp.nn.hyperparameters import ARCHITECTURE, BY_NAME, DEFAULTS, NUMBERS, TRAINING, names_of
from leanmlp.nn.models import MLP, MLPSpec
from leanmlp.nn.predictions import checkpoint_predictions, prediction_key
from leanmlp.nn.training import TRAIN_CURVE_SAMPLE, TrainEvaluation, TrainingResult, make_learning_rule, train
from leanmlp.sampling import stratified_sample
from leanmlp.seeding import stage_rng

ARCHITECTURE_KEYS, TRAINING_KEYS = names_of(ARCHITECTURE), names_of(TRAINING)


@dataclass(frozen=True)
class RunSettings:
    """How to train: optimizer name and options, batch size, epochs."""

    optimizer: str = DEFAULTS["optimizer"]
    learning_rate: float = DEFAULTS["learning_rate"]
    momentum: float = DEFAULTS["momentum"]
    batch_size: int = DEFAULTS["batch_size"]
    epochs: int = DEFAULTS["epochs"]

    def __post_init__(self):
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {self.batch_size}")
        if self.epochs < 1:
            raise ConfigError(f"epochs must be at least 1, got {self.epochs}")

    def learning_rule_options(self) -> dict:
        return {"momentum": self.momentum} if self.optimizer == "momentum" else {}


def split_hyperparameters(hyperparameters: dict, n_inputs: int, n_classes: int) -> tuple[MLPSpec, RunSettings]:
    """Check a run's dict and split it into an ``MLPSpec`` and ``RunSettings``."""
    unknown = set(hyperparameters) - set(BY_NAME)
    if unknown:
        raise ConfigError(f"unknown hyperparameters {sorted(unknown)}")
    for key in NUMBERS:  # dropout_keep may also be None
        value = hyperparameters.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
            raise ConfigError(f"{key} must be a number, got {value!r}")
    spec = MLPSpec(n_inputs, n_classes,
                   **{k: hyperparameters[k] for k in ARCHITECTURE_KEYS if k in hyperparameters})
    settings = RunSettings(**{k: hyperparameters[k] for k in TRAINING_KEYS if k in hyperparameters})
    return spec, settings


def fit_network(spec: MLPSpec, settings: RunSettings, train_data: tuple, valid_data: tuple | None, seed: int,
                on_epoch: Callable | None = None, train_curve_size: int | None = None) -> tuple[MLP, TrainingResult]:
    """Build the network of ``spec`` and train it as ``settings`` say: the one training loop of
    the pipeline's stage and of ``leanmlp.deploy.estimator.MLPClassifier``. The seed feeds
    independent streams: the initial weights and dropout masks, the batch order, and the
    learning curve's sample of ``train_curve_size`` training images (``TrainEvaluation``;
    None: no evaluation-mode pass over the training split at all). Returns (model, TrainingResult)."""
    model = MLP(spec, stage_rng(seed, "mlp-model"))
    rule = make_learning_rule(settings.optimizer, model.params, settings.learning_rate,
                              **settings.learning_rule_options())
    train_evaluation = None if train_curve_size is None else TrainEvaluation(
        stratified_sample(train_data[1], train_curve_size, stage_rng(seed, "train-curve-sample")))
    result = train(model, rule, train_data, valid_data, settings.epochs, settings.batch_size,
                   stage_rng(seed, "mlp-batches"), on_epoch=on_epoch, train_evaluation=train_evaluation)
    return model, result


def run_training(hyperparameters: dict, train_data: tuple, valid_data: tuple, test_data: tuple, n_classes: int,
                 seed: int, on_epoch: Callable | None = None,
                 train_curve_size: int = TRAIN_CURVE_SAMPLE) -> tuple[MLP, TrainingResult, dict]:
    """Train one model; returns (model, TrainingResult with its valid and test predictions at
    the final and best-valid checkpoints, metrics dict).

    *_data are (inputs, labels); see ``fit_network`` for the seed and ``train_curve_size``.
    """
    spec, settings = split_hyperparameters(hyperparameters, train_data[0].shape[1], n_classes)
    for name, (inputs, labels) in (("train", train_data), ("valid", valid_data), ("test", test_data)):
        if inputs.shape[1] != spec.n_inputs:
            raise ConfigError(f"{name} inputs have {inputs.shape[1]} features, train has {spec.n_inputs}")
        if len(labels) and int(labels.max()) >= n_classes:
            raise ConfigError(f"{name} labels reach {int(labels.max())}, but there are {n_classes} classes")
    if settings.batch_size > len(train_data[1]):
        raise ConfigError(f"batch_size {settings.batch_size} is above the {len(train_data[1])} training images: every "
                          "epoch would be one batch of all of them; give at most that many")
    model, result = fit_network(spec, settings, train_data, valid_data, seed, on_epoch, train_curve_size)
    result.predictions = checkpoint_predictions(model, result.best_params,
                                                {"valid": valid_data[0], "test": test_data[0]})

    def test_accuracy(checkpoint: str) -> float:
        predicted = result.predictions.get(prediction_key("test", checkpoint))
        return math.nan if predicted is None else float(np.mean(predicted == test_data[1]))

    history = result.history
    seconds = [record["seconds"] for record in history]
    warm = history[1:] or history  # the first epoch also pays for first-call allocations
    metrics = {
        "epochs_run": len(history),
        "final_train_acc": result.final_train[1],
        "train_acc_best_valid": result.best_train[1],
        "train_curve_sample": min(train_curve_size, len(train_data[1])),
        "final_train_running_acc": history[-1]["train_running_acc"],
        "final_valid_acc": history[-1]["valid_acc"],
        "best_valid_acc": max(record["valid_acc"] for record in history),
        "best_valid_loss_epoch": result.best_epoch,
        "test_acc_final": test_accuracy("final"),
        "test_acc_best_valid": test_accuracy("best"),
        "seconds_total": sum(seconds),
        "seconds_per_epoch_median": statistics.median(record["seconds"] for record in warm),
        "cpu_seconds_per_epoch_median": statistics.median(record["cpu_seconds"] for record in warm),
        "first_epoch_seconds": seconds[0],
        "train_eval_seconds_median": statistics.median(record["train_eval_seconds"] for record in warm),
        "late_over_early_epoch_seconds": late_over_early(seconds),
        "n_train": len(train_data[1]),
        "n_features": spec.n_inputs,
        "n_params": spec.n_params(),
        "macs_per_sample": spec.macs_per_sample(),
        "diverged": result.diverged,
        "diverged_reason": result.diverged_reason,
    }
    return model, result, metrics


def late_over_early(seconds: list[float]) -> float:
    """Median epoch time of the last tenth of the warm epochs (2-N) over that of the first tenth:
    about 1 for a run whose epochs cost the same throughout; a run that slows down as it trains
    (as Adam did while its moments decayed into subnormal numbers) shows it here."""
    warm = seconds[1:] or seconds
    tenth = max(1, len(warm) // 10)
    return statistics.median(warm[-tenth:]) / statistics.median(warm[:tenth])


def timing_summary(metrics: dict) -> str:
    """One line on epoch times: the median of the warm epochs, the first one apart."""
    if metrics["epochs_run"] == 1:
        return f"one epoch, {metrics['first_epoch_seconds']:.2f} s (including first-call warm-up)"
    return (f"median epoch {metrics['seconds_per_epoch_median']:.2f} s over epochs 2-{metrics['epochs_run']} "
            f"(the first, with warm-up, took {metrics['first_epoch_seconds']:.2f} s); "
            f"evaluation-mode pass over the train curve's {metrics['train_curve_sample']} images median "
            f"{metrics['train_eval_seconds_median']:.2f} s; "
            f"last tenth of the epochs {metrics['late_over_early_epoch_seconds']:.2f}x the first")


def describe_run(hyperparameters: dict) -> str:
    """The paper's way of naming a model: '3x128, dropout 0.75, L1 1e-05'."""
    hidden = hyperparameters["hidden"]
    sizes = set(hidden)
    text = f"{len(hidden)}x{hidden[0]}" if len(sizes) == 1 else "-".join(map(str, hidden))
    if hyperparameters.get("dropout_keep") is not None:
        text += f", dropout keep {hyperparameters['dropout_keep']}"
    for penalty in ("l1", "l2"):
        if hyperparameters.get(penalty):
            text += f", {penalty.upper()} {hyperparameters[penalty]:g}"
    if hyperparameters.get("input", "raw") != "raw":
        text += f", input {hyperparameters['input']}"
    return text
