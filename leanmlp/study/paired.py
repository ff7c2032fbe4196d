"""The uncertainty of a mean measured over seeds and images, and the tests a verdict rests on.

Every model is scored on the same valid and test images, so an accuracy is the mean of a
seeds x images table of 0/1 scores, and a difference of two models' accuracies is the mean of
one such table of differences (seeds paired) or the difference of two tables' means (seeds
not paired; the images still are). Seeds and images are two crossed random factors: a model's
score on image i under seed s is grand mean + image effect + seed effect + their interaction
(Cornfield and Tukey's two-way random-effects model), and the variance of the grand mean is

    Var = sigma_seed^2 / S + sigma_image^2 / N + sigma_interaction^2 / (S N),

each component estimated by the ANOVA mean squares of its table. The image effect is what
both models share image by image (an image hard for one is hard for the other): it cancels
in a difference, where an independent binomial term for each model would count it twice.
The seed part shrinks with more seeds, the image part only with more images: an inconclusive
verdict can say which of the two would decide it.

Why this and not a bootstrap over images and seeds: the crossed bootstrap counts the
interaction twice (once in each resampled factor) and is conservative at 3 seeds, it costs
thousands of resamples per verdict, and it is random; the mean squares are exact arithmetic,
give Satterthwaite's degrees of freedom for the t-quantile, and a simulation test
(tests/test_paired.py) shows their interval covers a known difference at its nominal rate.

With 3 seeds the seed mean square has 2 degrees of freedom, and most of it is the
interaction (two seeds of one model disagree on some images) which the images x seeds cells
estimate with thousands. Where an F-test finds no seed effect beyond the interaction (p above
POOL_ALPHA, Bancroft's customary 0.25 for a preliminary test), the seed mean square is pooled
with the interaction's; elsewhere it stands alone with its 2 degrees of freedom. On the
published EMNIST runs the seeds' spread of test accuracy (median sd 0.0027 over 27 runs of 3
seeds) is what the interaction alone gives (0.0029), so pooling is the usual case there. The
simulation test measures the coverage this gives: nominal with no seed effect or a large
one, about 0.91 for a 95% interval where a seed effect sits at the edge of what 3 seeds detect.

A quantity measured once per seed (a time, an epoch count) is the same table with one
column: the formula is then the seeds' own t-interval (Welch's, for two unpaired groups).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

POOL_ALPHA = 0.25  # a seed effect this unlikely under "none" keeps its own mean square


@dataclass(frozen=True)
class Estimate:
    """A signed sum of table means with its standard error.

    seed_variance : the part of se^2 that more seeds shrink (seed effects and interaction)
    image_variance : the part only more images shrink (zero for a one-column table)
    df : Satterthwaite's degrees of freedom of se^2
    n_seeds : seeds of each table (one entry for a paired or single table, two unpaired)
    pooled : per table with seeds, whether its seed mean square was pooled with the interaction
    seed_df : Satterthwaite's degrees of freedom of the seed part alone
    """

    value: float
    se: float
    df: float
    seed_variance: float
    image_variance: float
    n_seeds: tuple[int, ...]
    n_images: int
    pooled: tuple[bool, ...] = ()
    seed_df: float = math.inf

    def t_quantile(self, tail: float) -> float:
        """The t-quantile leaving ``tail`` above it at this estimate's degrees of freedom."""
        return float(stats.t.isf(tail, self.df))

    def interval(self, tail: float) -> tuple[float, float]:
        """The two-sided interval with ``tail`` outside on each side (1 - 2 tail coverage)."""
        half = self.t_quantile(tail) * self.se
        return self.value - half, self.value + half

    def seeds_to_decide(self, distance: float, tail: float, most: int) -> int | float | None:
        """The fewest seeds per table, up to ``most``, whose interval (``tail`` outside on each
        side) would stay ``distance`` clear of a threshold if the seed and image variances held:
        the seed part shrinks as 1/seeds and gains degrees of freedom. inf where the images alone
        leave too wide an interval; None where more than ``most`` seeds would be needed."""
        if float(stats.norm.isf(tail)) * math.sqrt(self.image_variance) >= distance:
            return math.inf
        seeds_now = max(self.n_seeds)
        for seeds in range(seeds_now + 1, most + 1):
            seed_variance = self.seed_variance * seeds_now / seeds
            seed_df = self.seed_df * (seeds - 1) / max(seeds_now - 1, 1)
            variance = seed_variance + self.image_variance
            if variance == 0:  # nothing varies: any interval is the estimate itself
                return seeds
            df = variance ** 2 / (seed_variance ** 2 / seed_df + self.image_variance ** 2 / max(self.n_images - 1, 1))
            if float(stats.t.isf(tail, df)) * math.sqrt(variance) < distance:
                return seeds
        return None


def crossed_estimate(tables: Sequence[np.ndarray], signs: Sequence[int], pool_alpha: float = POOL_ALPHA) -> Estimate:
    """sum(sign x mean(table)) and its variance over seeds and images crossed.

    tables : (seeds, images) arrays, one per model (or one of paired differences); every table
        has the same images in the same order. A table of one row is a fixed model (one fit,
        as a scikit-learn baseline): its images count, it has no seed variance
    signs : +1 or -1 per table
    """
    tables = [np.asarray(table, dtype=np.float64) for table in tables]
    n_images = tables[0].shape[1]
    if any(table.shape[1] != n_images for table in tables):
        raise ValueError("every table must score the same images")
    if all(table.shape[0] < 2 for table in tables):
        raise ValueError("a variance over seeds needs at least two seeds in one table")
    seed_terms, interaction_terms, pooled = [], [], []  # terms: (variance, its degrees of freedom)
    for table in tables:
        n_seeds = table.shape[0]
        if n_seeds < 2:
            continue
        seed_means = table.mean(axis=1)
        seed_square, seed_df = n_images * float(seed_means.var(ddof=1)), n_seeds - 1
        pooled.append(False)
        if n_images > 1:
            image_means = table.mean(axis=0)
            residual = table - seed_means[:, None] - image_means[None, :] + table.mean()
            interaction_df = (n_seeds - 1) * (n_images - 1)
            interaction_square = float((residual ** 2).sum()) / interaction_df
            interaction_terms.append((interaction_square / (n_seeds * n_images), interaction_df))
            if interaction_square > 0 and stats.f.sf(seed_square / interaction_square, seed_df,
                                                     interaction_df) > pool_alpha:
                seed_square = (seed_square * seed_df + interaction_square * interaction_df) / (seed_df + interaction_df)
                seed_df, pooled[-1] = seed_df + interaction_df, True
        seed_terms.append((seed_square / (n_seeds * n_images), seed_df))
    image_variance, image_terms = 0.0, []
    if n_images > 1:
        differences = sum(sign * table.mean(axis=0) for sign, table in zip(signs, tables, strict=True))
        image_term = float(differences.var(ddof=1)) / n_images
        # the image means also hold the interaction averaged over the seeds: take it out once
        image_variance = image_term - sum(term for term, _ in interaction_terms)
        if image_variance > 0:
            image_terms = [(image_term, n_images - 1), *interaction_terms]
        image_variance = max(image_variance, 0.0)  # a variance component is never negative
    seed_variance = sum(term for term, _ in seed_terms)
    variance = seed_variance + image_variance
    terms = seed_terms + image_terms
    denominator = sum(term ** 2 / df for term, df in terms if term > 0)
    df = variance ** 2 / denominator if denominator > 0 else math.inf
    value = float(sum(sign * table.mean() for sign, table in zip(signs, tables, strict=True)))
    seed_denominator = sum(term ** 2 / df for term, df in seed_terms if term > 0)
    seed_df = seed_variance ** 2 / seed_denominator if seed_denominator > 0 else math.inf
    return Estimate(value, math.sqrt(variance), df, seed_variance, image_variance,
                    tuple(table.shape[0] for table in tables), n_images, tuple(pooled), seed_df)


def t_p_values(estimate: Estimate, low: float, high: float) -> tuple[float, float]:
    """One-sided p-values that the true value is above ``low`` and that it is below ``high``
    (either may be infinite): (p of 'value <= low' being true, p of 'value >= high').

    For 'above low' the first is the claim's test; for 'within [low, high]' both are, and the
    claim needs both (two one-sided tests, TOST)."""
    if estimate.se == 0:
        return float(not estimate.value > low), float(not estimate.value < high)
    above = float(stats.t.sf((estimate.value - low) / estimate.se, estimate.df)) if math.isfinite(low) else 0.0
    below = float(stats.t.cdf((estimate.value - high) / estimate.se, estimate.df)) if math.isfinite(high) else 0.0
    return above, below


def binomial_p_values(k: int, n: int, rate: float) -> tuple[float, float]:
    """Exact one-sided p-values for k events in n trials against a true rate of ``rate``:
    (P(X >= k), P(X <= k)), small when the rate is above, respectively below, ``rate``."""
    return float(stats.binom.sf(k - 1, n, rate)), float(stats.binom.cdf(k, n, rate))


def binomial_bounds(k: int, n: int, tail: float) -> tuple[float, float]:
    """Clopper-Pearson's exact bounds on a rate from k events in n trials, ``tail`` outside on
    each side."""
    low = float(stats.beta.ppf(tail, k, n - k + 1)) if k > 0 else 0.0
    high = float(stats.beta.isf(tail, k + 1, n - k)) if k < n else 1.0
    return low, high


@dataclass(frozen=True)
class HolmStep:
    """rejected: whether the step-down rejects this hypothesis; level: the per-test level it
    was tested at (for one not rejected, the level at which the step-down stopped)."""

    rejected: bool
    level: float


def holm(p_values: Sequence[float], alpha: float) -> list[HolmStep]:
    """Holm's step-down over a family: the smallest p-value is tested at alpha / m, the next
    at alpha / (m - 1), ..., until one fails; that one and every larger one stand."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    steps = [HolmStep(False, alpha / max(m, 1))] * m
    for rank, index in enumerate(order):
        level = alpha / (m - rank)
        if p_values[index] > level:
            for rest in order[rank:]:
                steps[rest] = HolmStep(False, level)
            break
        steps[index] = HolmStep(True, level)
    return steps
