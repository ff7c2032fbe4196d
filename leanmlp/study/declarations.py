"""Checks of the experiments file's declarations that the config alone can make: each runs when
the workflow is parsed and fails naming the declaration, before any job, where the mistake
would otherwise train the whole matrix and then say "+0.0000 inconclusive" or "not run"."""

import math
from collections.abc import Mapping

from leanmlp.exceptions import ConfigError
from leanmlp.study.claims import ACCURACIES, Claim

# The values a claim's quantity can take: a threshold outside them decides it before any run.
UNIT_RANGE, DIFFERENCE_RANGE, RELATIVE_RANGE = (0.0, 1.0), (-1.0, 1.0), (-1.0, math.inf)
LEARNING_RULE_OPTIONS = {"momentum": "momentum"}  # a setting key -> the only optimizer that reads it


def check_settings(settings: Mapping[str, dict], default_settings: list[str]) -> None:
    """No setting listed twice (every job would be trained and tabled twice), and no option an
    optimizer ignores (momentum on plain SGD would train as if it were not there)."""
    twice = sorted({name for name in default_settings if default_settings.count(name) > 1})
    if twice:
        raise ConfigError(f"mlp.default_settings lists {twice[0]!r} twice: each setting once")
    for name, values in settings.items():
        for option, optimizer in LEARNING_RULE_OPTIONS.items():
            if option in values and values["optimizer"] != optimizer:
                raise ConfigError(f"settings.{name}: {option} {values[option]} is read only by optimizer "
                                  f"{optimizer!r}, not {values['optimizer']!r}; drop it or change the optimizer")


def quantity_range(claim: Claim) -> tuple[float, float] | None:
    """The values the claim's quantity can take, or None where any number can (a time, an epoch)."""
    if claim.relative:
        return RELATIVE_RANGE
    if claim.measure == "diverged":
        return UNIT_RANGE
    if claim.measure in ACCURACIES:
        single = not claim.compared and claim.measure != "generalisation_gap"
        return UNIT_RANGE if single else DIFFERENCE_RANGE
    return None


def check_threshold(where: str, claim: Claim) -> None:
    """A threshold that every possible value meets, or none can, decides the claim unmeasured."""
    span = quantity_range(claim)
    if span is None:
        return
    low, high = claim.threshold.low, claim.threshold.high
    always = low < span[0] and (high > span[1] or high == math.inf)
    never = low >= span[1] or high <= span[0]
    if always or never:
        raise ConfigError(f"{where}: its threshold ({claim.threshold.text(claim.relative)}) is met by "
                          f"{'every' if always else 'no'} value the quantity can take "
                          f"({span[0]:g} to {span[1]:g}); it would be decided without measuring anything")


def check_judged(where: str, declaration: dict, runs_of: Mapping[str, str], seeds: Mapping[str, list[int]]) -> None:
    """One claim or hypothesis against the matrix: it compares two different runs, its
    threshold can go either way, and runs paired by seed share a seed."""
    claim = Claim.parse(declaration)
    if claim.measure == "diverged" and (claim.threshold.both_sides or claim.compared):
        raise ConfigError(f"{where}: a divergence share is judged alone, above or below a rate (exact binomial "
                          "tests), not within a margin or against another")
    if claim.other is not None:
        first, second = runs_of[claim.of], runs_of[claim.other]
        if first == second:
            same = f"{claim.of!r} with itself" if claim.of == claim.other else \
                f"{claim.of!r} with {claim.other!r}, both run {first!r}"
            raise ConfigError(f"{where}: compares {same}; the difference would be zero by construction")
        shared = sorted(set(seeds[first]) & set(seeds[second]))
        if claim.paired and not shared:
            raise ConfigError(f"{where}: pairs {first!r} (seeds {seeds[first]}) with {second!r} (seeds "
                              f"{seeds[second]}) by seed, but they share none: it could only end 'not run'; "
                              "give both the same seeds")
    check_threshold(where, claim)
