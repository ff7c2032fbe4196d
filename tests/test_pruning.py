import numpy as np
import pytest

from leanmlp.exceptions import ConfigError
from leanmlp.mining.pca import fit_pca
from leanmlp.mining.pruning import (
    class_means,
    class_quotas,
    classes_kept_whole,
    distances_to_class_mean,
    extremes_per_class,
    prune_to_target,
    pruning_summary,
    reconstruction_rmse,
    target_label,
    target_slug,
    within_class_quantiles,
)
from leanmlp.sampling import keep_lowest_per_class


def test_per_class_quota_keeps_small_classes_whole():
    assert class_quotas([5, 10, 20], {"per_class": 8}, 35).tolist() == [5, 8, 8]
    # every class at or under its quota is kept whole, the largest one included
    assert classes_kept_whole([5, 8, 8], [5, 10, 20]).tolist() == [0]
    assert classes_kept_whole([5, 10, 20], [5, 10, 20]).tolist() == [0, 1, 2]


@pytest.mark.parametrize("sizes, target, expected", [
    ([2100] * 47, {"total": 94000}, [2000] * 47),
    ([10, 50, 100], {"total": 120}, [10, 50, 60]),          # small classes whole, the rest shared
    ([10, 10, 10], {"total": 25}, [9, 8, 8]),               # remainder to the lowest labels
    ([10, 50, 100], {"fraction": 0.5}, [10, 35, 35]),       # of the reference size 160
])
def test_totals_are_met_exactly(sizes, target, expected):
    quotas = class_quotas(sizes, target, 160 if "fraction" in target else sum(sizes))
    assert quotas.tolist() == expected
    assert (quotas <= np.array(sizes)).all()


@pytest.mark.parametrize("target, message", [
    ({"total": 200}, "asks for 200 samples; 160 are available"),
    ({"per_class": 0}, "per_class target must be a count >= 1"),
    ({"fraction": 1.5}, r"fraction target must be in \(0, 1\]"),
    ({"proportional": 0}, r"proportional target must be in \(0, 1\], got 0"),
    ({"total": 5, "per_class": 2}, "one of"),
    ({"closest": 5}, "one of"),
    ({"per_class": 100}, r"per_class target 100 is no smaller than the largest class \(100\): it would keep all "
                         "160 samples and prune nothing"),
])
def test_bad_targets(target, message):
    with pytest.raises(ConfigError, match=message):
        class_quotas([10, 50, 100], target, 160)


@pytest.mark.parametrize("sizes, fraction, expected", [
    ([10, 50, 100], 0.5, [5, 25, 50]),                      # the same share of every class
    ([3, 3, 3], 0.5, [2, 1, 1]),                            # round(4.5) = 4: 4/3 each, the one left to class 0
    ([7, 1, 13], 0.3, [2, 0, 4]),                           # 6 kept: shares 2, 0.29, 3.71; the one left to 3.71
    ([2076, 5518, 358], 1.0, [2076, 5518, 358]),
])
def test_proportional_keeps_the_class_prior(sizes, fraction, expected):
    quotas = class_quotas(sizes, {"proportional": fraction}, reference_size=10**6)  # no reference: a share of the set
    assert quotas.tolist() == expected
    assert quotas.sum() == round(fraction * sum(sizes))


def test_proportional_against_equal_size_on_an_unbalanced_set():
    """The cut that motivates the hypothesis: equal sizes take the large class's samples first."""
    sizes = [900, 100]
    assert class_quotas(sizes, {"total": 500}, 1000).tolist() == [400, 100]
    assert class_quotas(sizes, {"proportional": 0.5}, 1000).tolist() == [450, 50]


def test_slugs():
    assert target_slug({"per_class": 2000}) == "per_class2000"
    assert target_slug({"total": 89300}) == "total89300"


def test_keeps_exactly_the_lowest_per_class_on_a_hand_made_set():
    scores = np.array([5.0, 1.0, 9.0, 3.0, 2.0, 8.0, 7.0, 0.5])
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    kept = keep_lowest_per_class(scores, labels, np.array([2, 3]))
    assert kept.tolist() == [1, 3, 4, 6, 7]  # class 0: 1.0, 3.0; class 1: 0.5, 2.0, 7.0


def test_ties_break_by_index():
    kept = keep_lowest_per_class(np.zeros(6), np.zeros(6, int), np.array([3]))
    assert kept.tolist() == [0, 1, 2]


def test_distances_and_means_against_brute_force():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (60, 12), dtype=np.uint8)
    labels = rng.integers(0, 3, 60)
    means = class_means(pixels, labels, 3)
    for c in range(3):
        np.testing.assert_allclose(means[c], pixels[labels == c].mean(axis=0), rtol=1e-6)
    expected = np.linalg.norm(pixels.astype(float) - means[labels], axis=1)
    np.testing.assert_allclose(distances_to_class_mean(pixels, labels, means, chunk_size=7), expected, rtol=1e-5)
    # a class with no samples (named by the split stage) gets a zero mean and keeps nothing
    with_empty = class_means(pixels, labels, 4)
    assert (with_empty[3] == 0).all() and np.array_equal(with_empty[:3], means)
    assert list(prune_to_target(np.zeros(60), labels, 4, {"per_class": 5}, 60)[0]) == [5, 5, 5, 0]


def test_reconstruction_rmse_against_brute_force():
    rng = np.random.default_rng(1)
    inputs = rng.random((40, 10), dtype=np.float32)
    pca = fit_pca(inputs, 3)
    reconstructed = (inputs - pca.mean) @ pca.components.T @ pca.components + pca.mean
    expected = np.sqrt(((inputs - reconstructed) ** 2).mean(axis=1)) * 255
    np.testing.assert_allclose(reconstruction_rmse(inputs, pca, scale=255, chunk_size=9), expected, rtol=1e-4)
    assert np.allclose(reconstruction_rmse(inputs, fit_pca(inputs)), 0, atol=1e-5)


def test_quantile_curves_put_classes_of_any_size_on_one_scale():
    # class 0: 1, 2, 3; class 1: 10, 30. Position 0.5 is each class's middle (2 and 20).
    scores = np.array([3.0, 1.0, 2.0, 10.0, 30.0])
    labels = np.array([0, 0, 0, 1, 1])
    positions, mean, low, high = within_class_quantiles(scores, labels, 3, n_points=3)  # class 2 is empty
    assert positions.tolist() == [0.0, 0.5, 1.0]
    np.testing.assert_allclose(mean, [(1 + 10) / 2, (2 + 20) / 2, (3 + 30) / 2])
    assert (low <= mean).all() and (mean <= high).all()
    # no saw-tooth: a monotone score in every class gives a monotone mean curve
    rng = np.random.default_rng(0)
    scores, labels = rng.random(1000), rng.integers(0, 7, 1000)
    assert (np.diff(within_class_quantiles(scores, labels, 7)[1]) >= 0).all()


def test_pruning_summary_counts_every_class_kept_whole():
    summary = pruning_summary({"per_class2": ({"per_class": 2}, np.array([2, 2, 1]))}, np.array([5, 2, 1]),
                              ("a", "b", "c"))
    assert summary == {"per_class2": {"target": {"per_class": 2}, "kept": 5, "per_class_max": 2,
                                      "per_class_min": 1, "classes_kept_whole": ["b", "c"]}}


def test_extremes():
    scores = np.array([5.0, 1.0, 9.0, 3.0])
    closest, furthest = extremes_per_class(scores, np.zeros(4, int), [0], n=2)[0]
    assert closest.tolist() == [1, 3] and furthest.tolist() == [2, 0]


def test_a_targets_label_reads_as_words():
    assert target_label("total89300") == "total 89,300"
    assert target_label("per_class2000") == "per class 2,000"
    assert target_label("fraction0.94") == "fraction 0.94"
