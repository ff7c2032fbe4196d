"""The crossed seeds x images estimate, the tests and Holm's step-down, against hand
computations and a simulation with a known truth."""

import math

import numpy as np
import pytest
from scipy import stats

from leanmlp.study.paired import (
    binomial_bounds,
    binomial_p_values,
    crossed_estimate,
    holm,
    t_p_values,
)

NO_POOLING = 1.0  # a seed mean square is pooled only where the F-test's p exceeds this


def mean_squares(table):
    """The two-way ANOVA's (seed, image, interaction) mean squares of one table, by hand."""
    s, n = table.shape
    grand = table.mean()
    seed = n * ((table.mean(axis=1) - grand) ** 2).sum() / (s - 1)
    image = s * ((table.mean(axis=0) - grand) ** 2).sum() / (n - 1)
    residual = table - table.mean(axis=1, keepdims=True) - table.mean(axis=0, keepdims=True) + grand
    return seed, image, (residual ** 2).sum() / ((s - 1) * (n - 1))


def test_the_variance_is_the_anova_combination_of_seed_image_and_interaction_mean_squares():
    rng = np.random.default_rng(0)
    table = (rng.random((3, 400)) < rng.uniform(0.2, 1.0, 400)).astype(float)  # images differ in difficulty
    seed, image, interaction = mean_squares(table)
    assert image > interaction
    estimate = crossed_estimate([table], [1], pool_alpha=NO_POOLING)
    assert estimate.value == pytest.approx(table.mean())
    assert estimate.se ** 2 == pytest.approx((seed + image - interaction) / (3 * 400))
    assert estimate.pooled == (False,)
    # every image right under exactly one seed: the images do not differ, their component is 0, not negative
    no_images = np.eye(3)[:, rng.integers(0, 3, 400)]
    assert crossed_estimate([no_images], [1], pool_alpha=NO_POOLING).image_variance == 0


def test_a_one_column_table_is_the_seeds_t_interval_and_two_are_welch():
    values = np.array([[0.80], [0.82], [0.84]])
    estimate = crossed_estimate([values], [1])
    low, high = estimate.interval(0.025)
    assert estimate.df == pytest.approx(2) and estimate.image_variance == 0
    assert high - 0.82 == pytest.approx(stats.t.isf(0.025, 2) * 0.02 / math.sqrt(3))
    other = np.array([[0.70], [0.71], [0.75], [0.74]])
    welch = stats.ttest_ind(values[:, 0], other[:, 0], equal_var=False)
    difference = crossed_estimate([values, other], [1, -1])
    assert difference.value / difference.se == pytest.approx(welch.statistic)
    assert difference.df == pytest.approx(welch.df)


def test_images_both_models_get_right_or_wrong_cancel_in_a_paired_difference():
    rng = np.random.default_rng(1)
    shared = rng.random(2000) < 0.8  # both models score the same on most images
    first = np.tile(shared, (3, 1)).astype(float)
    second = first.copy()
    flip = rng.choice(2000, 40, replace=False)
    second[:, flip] = 1 - second[:, flip]  # ...and differ on 40
    paired = crossed_estimate([first - second], [1])
    binomial = math.sqrt(2 * 0.8 * 0.2 / 2000)  # as if the two were scored on different images
    assert paired.se < binomial / 3


def test_a_fixed_model_of_one_row_adds_its_images_but_no_seed_variance():
    rng = np.random.default_rng(2)
    mlp = (rng.random((3, 1000)) < 0.85).astype(float)
    baseline = (rng.random((1, 1000)) < 0.8).astype(float)
    with_baseline = crossed_estimate([mlp, baseline], [1, -1])
    alone = crossed_estimate([mlp], [1])
    assert with_baseline.value == pytest.approx(mlp.mean() - baseline.mean())
    assert with_baseline.seed_variance == pytest.approx(alone.seed_variance)
    assert with_baseline.image_variance > alone.image_variance
    with pytest.raises(ValueError, match="at least two seeds"):
        crossed_estimate([baseline], [1])


def test_a_seed_effect_beyond_the_interaction_keeps_its_own_mean_square():
    rng = np.random.default_rng(3)
    no_effect = (rng.random((3, 5000)) < 0.8).astype(float)
    shifted = (rng.random((3, 5000)) < np.array([[0.7], [0.8], [0.9]])).astype(float)
    assert crossed_estimate([no_effect], [1], pool_alpha=0.0).pooled == (True,)
    kept = crossed_estimate([shifted], [1])
    assert kept.pooled == (False,) and kept.df < 3


def test_one_sided_p_values_and_the_two_one_sided_tests():
    estimate = crossed_estimate([np.array([[0.010], [0.012], [0.014]])], [1])
    above_zero, below_inf = t_p_values(estimate, 0.0, math.inf)
    assert above_zero == pytest.approx(stats.t.sf(0.012 / estimate.se, 2)) and below_inf == 0.0
    inside_low, inside_high = t_p_values(estimate, 0.0, 0.02)
    assert max(inside_low, inside_high) < 0.05  # within (0, 0.02) by TOST
    assert t_p_values(estimate, 0.0, 0.013)[1] > 0.2  # the upper bound 0.013 is not cleared


def test_exact_binomial_tests_and_bounds_say_what_three_seeds_rule_out():
    many, few = binomial_p_values(0, 3, 0.5)
    assert many == 1.0 and few == pytest.approx(0.125)  # 0 of 3 cannot refute a rate of 0.5 at 5%
    assert binomial_p_values(0, 5, 0.5)[1] == pytest.approx(0.03125)
    low, high = binomial_bounds(0, 3, 0.05)
    assert low == 0.0 and high == pytest.approx(1 - 0.05 ** (1 / 3))
    assert binomial_bounds(3, 3, 0.05)[0] == pytest.approx(0.05 ** (1 / 3))


def test_holm_steps_down_until_the_first_failure():
    steps = holm([0.01, 0.04, 0.03, 0.005], alpha=0.05)
    assert [step.rejected for step in steps] == [True, False, False, True]
    assert steps[3].level == pytest.approx(0.05 / 4) and steps[0].level == pytest.approx(0.05 / 3)
    assert steps[1].level == steps[2].level == pytest.approx(0.05 / 2)  # where it stopped
    assert holm([], 0.05) == []


def simulate_coverage(seed_sd, draws=600, n_images=2000, n_seeds=3, rng_seed=0):
    """Two models scored on the same images: logit of a correct answer = model + image
    difficulty + seed effect + seed x image interaction. Returns (coverage of the 95% interval,
    its median width, the same for the old design: a t-interval over seeds plus an
    independent binomial term for each model)."""
    rng = np.random.default_rng(rng_seed)
    image_sd, interaction_sd, models = 1.5, 1.0, (1.6, 1.5)
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    spread = math.sqrt(image_sd ** 2 + seed_sd ** 2 + interaction_sd ** 2)
    truth = [float((weights / weights.sum() / (1 + np.exp(-(m + spread * nodes)))).sum()) for m in models]
    true_difference = truth[0] - truth[1]
    covered, widths, old_covered, old_widths = 0, [], 0, []
    for _ in range(draws):
        difficulty = rng.normal(0, image_sd, n_images)

        def scores(model, difficulty=difficulty):
            logits = (model + difficulty[None, :] + rng.normal(0, seed_sd, (n_seeds, 1))
                      + rng.normal(0, interaction_sd, (n_seeds, n_images)))
            return (rng.random((n_seeds, n_images)) < 1 / (1 + np.exp(-logits))).astype(float)

        first, second = scores(models[0]), scores(models[1])
        low, high = crossed_estimate([first - second], [1]).interval(0.025)
        covered += low < true_difference < high
        widths.append(high - low)
        differences = first.mean(axis=1) - second.mean(axis=1)
        seed_part = differences.var(ddof=1) / n_seeds
        binomial = sum(p * (1 - p) / n_images for p in (first.mean(), second.mean()))
        df = (seed_part + binomial) ** 2 / (seed_part ** 2 / (n_seeds - 1))
        half = stats.t.isf(0.025, df) * math.sqrt(seed_part + binomial)
        old_covered += abs(differences.mean() - true_difference) < half
        old_widths.append(2 * half)
    return covered / draws, float(np.median(widths)), old_covered / draws, float(np.median(old_widths))


@pytest.mark.parametrize("seed_sd", [0.0, 0.3])
def test_the_paired_interval_covers_a_known_difference_at_its_nominal_rate(seed_sd):
    """600 draws of 2 models x 3 seeds x 2,000 images: the 95% interval covers the true
    difference in 93-98.5% of them (the binomial sd of a coverage over 600 draws is 0.009),
    with no seed effect (the regime of the real runs) and with a large one."""
    coverage, width, old_coverage, old_width = simulate_coverage(seed_sd)
    assert 0.93 <= coverage <= 0.985
    if seed_sd == 0.0:  # where seeds add nothing, the old design's double-counted images cost most
        assert width < 0.6 * old_width and old_coverage > 0.99


def test_what_more_seeds_would_decide_counts_their_degrees_of_freedom_too():
    table = np.array([[0.010], [0.012], [0.014]])  # a per-seed difference, 2 degrees of freedom
    estimate = crossed_estimate([table], [1])
    assert estimate.seed_df == pytest.approx(2)
    seeds = estimate.seeds_to_decide(0.004, 0.025, most=100)
    # at that count the t-interval with its own degrees of freedom clears the distance; one fewer does not
    for count, clears in ((seeds, True), (seeds - 1, False)):
        half = stats.t.isf(0.025, count - 1) * 0.002 / math.sqrt(count)
        assert (half < 0.004) == clears
    assert estimate.seeds_to_decide(1e-6, 0.025, most=100) is None
    images = crossed_estimate([np.random.default_rng(0).random((3, 500)) < 0.8], [1])
    assert images.seeds_to_decide(images.image_variance ** 0.5, 0.025, most=100) == math.inf
