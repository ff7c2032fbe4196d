"""Class quotas and draws inside classes (leanmlp.sampling)."""

import numpy as np

from leanmlp.sampling import proportional_quotas, stratified_sample
from leanmlp.seeding import stage_rng

LABELS = np.repeat(np.arange(4), [500, 300, 150, 50])


def test_a_stratified_sample_keeps_every_class_share_and_is_reproducible():
    sample = stratified_sample(LABELS, 100, stage_rng(0, "train-curve-sample"))
    assert np.bincount(LABELS[sample]).tolist() == [50, 30, 15, 5]
    assert np.all(np.diff(sample) > 0)  # sorted, no repeats
    assert np.array_equal(sample, stratified_sample(LABELS, 100, stage_rng(0, "train-curve-sample")))
    assert not np.array_equal(sample, stratified_sample(LABELS, 100, stage_rng(1, "train-curve-sample")))


def test_a_sample_as_large_as_the_set_is_the_set():
    assert np.array_equal(stratified_sample(LABELS, 1000, np.random.default_rng(0)), np.arange(1000))
    assert np.array_equal(stratified_sample(LABELS, 5000, np.random.default_rng(0)), np.arange(1000))


def test_proportional_quotas_share_the_rounding_by_largest_remainder():
    # shares 33.3, 33.3, 33.3 of 100: the leftover image goes to the lowest class
    assert proportional_quotas(np.array([10, 10, 10]), 100).tolist() == [34, 33, 33]
    assert proportional_quotas(np.array([500, 300, 150, 50]), 7).sum() == 7
