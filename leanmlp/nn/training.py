"""The training loop: epochs of shuffled mini-batches, per-epoch history, divergence handling."""

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from leanmlp.exceptions import ConfigError
from leanmlp.nn.data_providers import BatchProvider
from leanmlp.nn.learning_rules import LEARNING_RULES, GradientDescent
from leanmlp.nn.models import MLP


@dataclass
class TrainingResult:
    """history: one dict per epoch, see ``HISTORY_COLUMNS``.

    train_loss/train_acc are the paper's measure taken on the learning curve's sample: a pass in
    evaluation mode (dropout off) over a fixed stratified sample of the training split after the
    epoch (see ``TrainEvaluation``), like valid_*; train_loss includes the weight penalty.
    train_running_loss/acc are the running means over the epoch's batches with dropout active
    (free, but biased low for dropout models). seconds is the whole epoch, evaluations included;
    cpu_seconds the same epoch in this process's CPU time, which other work sharing the machine
    barely moves (it takes turns on the cores; it does not make this process compute more);
    train_eval_seconds is the evaluation-mode pass over the sample alone.
    final_train, best_train: (loss with penalty, accuracy) of the whole training split in
    evaluation mode after the last epoch and at the best-valid-loss epoch (NaN where there was
    no such pass): the numbers the tables read.
    predictions: per-image predicted classes (see ``leanmlp.nn.predictions``), when the caller
    asked for them.
    """

    history: list = field(default_factory=list)
    best_epoch: int | None = None
    best_params: np.ndarray | None = None
    diverged: bool = False
    diverged_reason: str | None = None
    final_train: tuple[float, float] = (math.nan, math.nan)
    best_train: tuple[float, float] = (math.nan, math.nan)
    predictions: dict = field(default_factory=dict)


TRAIN_CURVE_SAMPLE = 10_000
"""Training images the learning curve's train accuracy is measured on unless the config says."""


@dataclass(frozen=True)
class TrainEvaluation:
    """The evaluation-mode passes over the training split (the paper's train loss and accuracy).

    The learning curve reads one after every epoch, from a fixed stratified sample: ``sample``
    holds the indices of its images (every class in its share; see
    ``leanmlp.sampling.stratified_sample``). An accuracy p measured on n sampled images has a
    sampling standard error of sqrt(p (1 - p) / n), at most 0.5 / sqrt(n): 0.005 for 10,000.
    The tables read the whole split, passed over once after the last epoch and once at the
    best-valid-loss checkpoint. Passing over the whole split after every epoch instead cost a
    quarter of every epoch of a 784-pixel job.
    """

    sample: np.ndarray

    def curve_data(self, train_data: tuple) -> tuple:
        """The sample's (inputs, labels); the split itself when the sample is all of it (no copy)."""
        inputs, labels = train_data
        return train_data if len(self.sample) == len(labels) else (inputs[self.sample], labels[self.sample])


HISTORY_COLUMNS = ("epoch", "train_loss", "train_acc", "valid_loss", "valid_acc",
                   "train_running_loss", "train_running_acc", "seconds", "cpu_seconds", "train_eval_seconds")


def history_csv(history: list[dict]) -> str:
    """The history as CSV text, a row per epoch in ``HISTORY_COLUMNS`` order, a missing value
    (NaN) as an empty field, as pandas writes and reads it. Written without pandas, whose import
    alone costs a short training job about as much as its training."""
    def field(value: object) -> str:
        return "" if isinstance(value, float) and math.isnan(value) else repr(value) if isinstance(value, float) \
            else str(value)

    lines = [",".join(HISTORY_COLUMNS)] + [",".join(field(record[column]) for column in HISTORY_COLUMNS)
                                           for record in history]
    return "\n".join(lines) + "\n"


def evaluate(model: MLP, inputs: np.ndarray, labels: np.ndarray, batch_size: int = 2000) -> tuple[float, float]:
    """Mean data loss and accuracy in evaluation mode (dropout off)."""
    total_loss, correct = 0.0, 0
    for batch_inputs, batch_labels in BatchProvider(inputs, labels, batch_size):
        logits = model.logits(batch_inputs)
        total_loss += model.loss(logits, batch_labels) * len(batch_labels)
        correct += int(np.count_nonzero(logits.argmax(axis=1) == batch_labels))
    return total_loss / len(labels), correct / len(labels)


def make_learning_rule(name: str, params: np.ndarray, learning_rate: float, **options: float) -> GradientDescent:
    if name not in LEARNING_RULES:
        raise ConfigError(f"unknown optimizer {name!r}; known: {', '.join(LEARNING_RULES)}")
    return LEARNING_RULES[name](params, learning_rate, **options)


def train_epoch(model: MLP, learning_rule: GradientDescent, provider: Iterable) -> tuple[float, float]:
    """One pass over ``provider``; returns the running (mean data loss, accuracy) over its
    batches with dropout active, NaN loss if it blew up (a NaN/inf batch ends the epoch at once).
    """
    loss_sum, correct, seen = 0.0, 0, 0
    for inputs, labels in provider:
        loss, n_correct = model.train_step_grads(inputs, labels)
        if not math.isfinite(loss):
            return math.nan, correct / max(seen, 1)
        learning_rule.update(model.grads)
        loss_sum += loss * len(labels)
        correct += n_correct
        seen += len(labels)
    return loss_sum / seen, correct / seen


def train(model: MLP, learning_rule: GradientDescent, train_data: tuple, valid_data: tuple | None, epochs: int,
          batch_size: int, rng: np.random.Generator, divergence_factor: float = 10.0,
          on_epoch: Callable | None = None, train_evaluation: TrainEvaluation | None = None) -> TrainingResult:
    """Train ``model`` in place for ``epochs`` epochs.

    train_data, valid_data : (inputs, labels) pairs as ``BatchProvider`` takes them; valid_data
        may be None (no validation loss, so no best epoch: the estimator's case)
    divergence_factor : a run whose epoch train loss exceeds this many times the loss of
        uniform guessing, ln(n_classes), or whose loss turns NaN/inf, stops and is marked diverged
    on_epoch : optional callback receiving each epoch's history record (for progress logs)
    train_evaluation : the evaluation-mode passes over the training split (``TrainEvaluation``);
        without it train_loss/train_acc and final_train/best_train are NaN and only the running
        means are kept (the estimator's and the EL2N scoring's case)
    """
    if epochs < 1:
        raise ConfigError(f"epochs must be at least 1, got {epochs}")
    provider = BatchProvider(*train_data, batch_size, rng)
    loss_limit = divergence_factor * math.log(model.spec.n_classes)
    result = TrainingResult()
    evaluate_train = train_evaluation is not None
    curve_data = train_evaluation.curve_data(train_data) if evaluate_train else None
    best_valid_loss = math.inf
    for epoch in range(1, epochs + 1):
        start, cpu_start = time.perf_counter(), time.process_time()
        penalty_before = model.penalty()
        data_loss, running_acc = train_epoch(model, learning_rule, provider)
        penalty = model.penalty()
        # the penalty drifts slowly over an epoch: average its two ends, like the running loss
        running_loss = data_loss + 0.5 * (penalty_before + penalty)
        eval_start = time.perf_counter()
        train_loss, train_acc = math.nan, math.nan
        if evaluate_train and math.isfinite(running_loss):  # a blown-up model is not worth a pass
            curve_loss, train_acc = evaluate(model, *curve_data)
            train_loss = curve_loss + penalty  # the penalty of these weights, computed above
        eval_seconds = time.perf_counter() - eval_start
        valid_loss, valid_acc = evaluate(model, *valid_data) if valid_data is not None else (math.nan, math.nan)
        record = {"epoch": epoch, "train_loss": train_loss, "train_acc": train_acc,
                  "valid_loss": valid_loss, "valid_acc": valid_acc,
                  "train_running_loss": running_loss, "train_running_acc": running_acc,
                  "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu_start,
                  "train_eval_seconds": eval_seconds}
        result.history.append(record)
        if on_epoch is not None:
            on_epoch(record)
        watched = [running_loss] + [train_loss] * evaluate_train + [valid_loss] * (valid_data is not None)
        if not all(math.isfinite(loss) for loss in watched):
            result.diverged, result.diverged_reason = True, f"loss became NaN/inf in epoch {epoch}"
            break
        if running_loss > loss_limit:
            result.diverged = True
            result.diverged_reason = (f"train loss {running_loss:.3g} exceeded {loss_limit:.3g} "
                                      f"({divergence_factor:g} x ln {model.spec.n_classes}) in epoch {epoch}")
            break
        if valid_loss < best_valid_loss:
            best_valid_loss = valid_loss
            result.best_epoch, result.best_params = epoch, model.params.copy()
    if evaluate_train and math.isfinite(result.history[-1]["train_running_loss"]):
        result.final_train = evaluate_with_penalty(model, train_data)
        if result.best_params is not None:
            with model.parameters(result.best_params):
                result.best_train = evaluate_with_penalty(model, train_data)
    return result


def evaluate_with_penalty(model: MLP, data: tuple) -> tuple[float, float]:
    """(mean data loss plus the weight penalty, accuracy) in evaluation mode: the paper's train loss."""
    data_loss, accuracy = evaluate(model, *data)
    return data_loss + model.penalty(), accuracy
