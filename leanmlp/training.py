"""The training loop: epochs of shuffled mini-batches, per-epoch history, divergence handling."""

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .data_providers import BatchProvider
from .exceptions import ConfigError
from .learning_rules import LEARNING_RULES


@dataclass
class TrainingResult:
    """history: one dict per epoch (epoch, train_loss, train_acc, valid_loss, valid_acc, seconds).

    train_loss includes the weight penalty; train_loss/acc are running means over the epoch's
    batches (with dropout active), valid_* come from a deterministic pass after the epoch.
    """

    history: list = field(default_factory=list)
    best_epoch: int | None = None
    best_params: np.ndarray | None = None
    diverged: bool = False
    diverged_reason: str | None = None


def evaluate(model, inputs, labels, batch_size=2000):
    """Mean data loss and accuracy in evaluation mode (dropout off)."""
    total_loss, correct = 0.0, 0
    for batch_inputs, batch_labels in BatchProvider(inputs, labels, batch_size):
        logits = model.logits(batch_inputs)
        total_loss += model.error(logits, batch_labels) * len(batch_labels)
        correct += int(np.count_nonzero(logits.argmax(axis=1) == batch_labels))
    return total_loss / len(labels), correct / len(labels)


def make_learning_rule(name, params, learning_rate, **options):
    if name not in LEARNING_RULES:
        raise ConfigError(f"unknown optimizer {name!r}; known: {', '.join(LEARNING_RULES)}")
    return LEARNING_RULES[name](params, learning_rate, **options)


def train_epoch(model, learning_rule, provider):
    """One pass over ``provider``; returns (mean data loss, accuracy), NaN loss if it blew up.

    train loss/accuracy are running means over the batches (dropout active), which costs
    nothing extra; a batch whose loss is NaN/inf ends the epoch at once.
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


def train(model, learning_rule, train_data, valid_data, epochs, batch_size, rng,
          divergence_factor=10.0, on_epoch=None):
    """Train ``model`` in place for ``epochs`` epochs.

    train_data, valid_data : (inputs, labels) pairs as ``BatchProvider`` takes them
    divergence_factor : a run whose epoch train loss exceeds this many times the loss of
        uniform guessing, ln(n_classes), or whose loss turns NaN/inf, stops and is marked diverged
    on_epoch : optional callback receiving each epoch's history record (for progress logs)
    """
    if epochs < 1:
        raise ConfigError(f"epochs must be at least 1, got {epochs}")
    provider = BatchProvider(*train_data, batch_size, rng)
    loss_limit = divergence_factor * math.log(model.spec.n_classes)
    result = TrainingResult()
    best_valid_loss = math.inf
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        penalty_before = model.penalty()
        data_loss, train_acc = train_epoch(model, learning_rule, provider)
        # the penalty drifts slowly over an epoch: average its two ends, like the running loss
        train_loss = data_loss + 0.5 * (penalty_before + model.penalty())
        valid_loss, valid_acc = evaluate(model, *valid_data)
        record = {"epoch": epoch, "train_loss": train_loss, "train_acc": train_acc,
                  "valid_loss": valid_loss, "valid_acc": valid_acc,
                  "seconds": time.perf_counter() - start}
        result.history.append(record)
        if on_epoch is not None:
            on_epoch(record)
        if not (math.isfinite(train_loss) and math.isfinite(valid_loss)):
            result.diverged, result.diverged_reason = True, f"loss became NaN/inf in epoch {epoch}"
            break
        if train_loss > loss_limit:
            result.diverged = True
            result.diverged_reason = (f"train loss {train_loss:.3g} exceeded {loss_limit:.3g} "
                                      f"({divergence_factor:g} x ln {model.spec.n_classes}) in epoch {epoch}")
            break
        if valid_loss < best_valid_loss:
            best_valid_loss = valid_loss
            result.best_epoch, result.best_params = epoch, model.params.copy()
    return result
