"""Optimizer state that decays geometrically never reaches float32's slow subnormal range,
and the flush that keeps it out changes no update."""

import numpy as np
import pytest

from leanmlp.nn.learning_rules import FLUSH_BELOW, Adam, Momentum

TINY = np.finfo(np.float32).tiny  # the smallest normal float32


def subnormal_count(array):
    return int(np.count_nonzero((array != 0) & (np.abs(array) < TINY)))


def aged(rule_class, steps, **options):
    """A rule whose gradients go to exactly zero after one step, as for a unit that stops firing,
    from gradient sizes spread over float32's range, so that some state passes the subnormal
    range at every age; returns the rule and the largest subnormal count seen along the way."""
    params = np.full(64, 0.5, dtype=np.float32)
    rule = rule_class(params, 1e-3, **options)
    rule.update(np.logspace(-18, -1, 64).astype(np.float32))
    zero = np.zeros_like(params)
    worst = 0
    for step in range(steps):
        rule.update(zero)
        if step % 97 == 0:  # off the flush interval, so a check never lands just after a flush
            worst = max(worst, *(subnormal_count(state) for state in state_arrays(rule)))
    return rule, worst


def state_arrays(rule):
    return [rule.first_moment, rule.second_moment] if isinstance(rule, Adam) else [rule.velocity]


@pytest.mark.parametrize("rule_class, steps", [(Adam, 40_000), (Momentum, 3_000)])
def test_an_aged_state_holds_no_subnormal_values(rule_class, steps):
    rule, worst = aged(rule_class, steps)
    assert worst == 0
    # the state did decay through the range: without the flush it would be subnormal here
    assert all(np.count_nonzero(state) < state.size for state in state_arrays(rule))


def test_without_the_flush_the_same_state_turns_subnormal(monkeypatch):
    """The check above can fail: switch the flush off and subnormal moments appear."""
    monkeypatch.setattr("leanmlp.nn.learning_rules.SubnormalFlush.__call__", lambda self, *states: None)
    _, worst = aged(Adam, 40_000)
    assert worst > 0


@pytest.mark.parametrize("rule_class, options", [(Adam, {}), (Momentum, {"momentum": 0.9})])
def test_the_flush_changes_no_parameter(monkeypatch, rule_class, options):
    """Gradients of every size, some of them zero from step 50 on, a few thousand steps: the
    parameters are bit-identical with and without the flush."""
    rng = np.random.default_rng(0)
    scales = np.logspace(-20, 0, 500).astype(np.float32)
    gradients = [rng.standard_normal(500).astype(np.float32) * scales for _ in range(3000)]
    for gradient in gradients[50:]:
        gradient[::3] = 0.0

    def final_params():
        params = rng_params.copy()
        rule = rule_class(params, 1e-3, **options)
        for gradient in gradients:
            rule.update(gradient)
        return params

    rng_params = rng.standard_normal(500).astype(np.float32)
    flushed = final_params()
    monkeypatch.setattr("leanmlp.nn.learning_rules.SubnormalFlush.__call__", lambda self, *states: None)
    assert np.array_equal(flushed, final_params())


def test_the_flush_threshold_is_below_what_adam_can_feel():
    # sqrt of the threshold vanishes against the smallest denominator, epsilon = 1e-8
    denominator = np.float32(1e-8)
    assert denominator + np.sqrt(np.float32(FLUSH_BELOW)) == denominator
