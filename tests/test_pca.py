import numpy as np
import pytest
from sklearn.decomposition import PCA as SklearnPCA

from leanmlp.data.sources import load_digits
from leanmlp.exceptions import ConfigError
from leanmlp.mining.pca import PCA, choose_n_components, fit_pca
from leanmlp.nn.data_providers import scale_pixels


@pytest.fixture(scope="module")
def pixels():
    return scale_pixels(load_digits().images)


def test_matches_scikit_learn(pixels):
    ours = fit_pca(pixels, n_components=20)
    reference = SklearnPCA(n_components=20, svd_solver="full").fit(pixels)
    np.testing.assert_allclose(ours.explained_variance_ratio[:20], reference.explained_variance_ratio_,
                               rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(ours.mean, reference.mean_, rtol=1e-5, atol=1e-6)
    # the same axes up to sign
    cosines = np.abs((ours.components * reference.components_).sum(axis=1))
    np.testing.assert_allclose(cosines, 1.0, atol=1e-4)
    np.testing.assert_allclose(np.abs(ours.transform(pixels)), np.abs(reference.transform(pixels)),
                               rtol=1e-3, atol=1e-4)


def test_all_components_reconstruct_exactly_and_ratios_sum_to_one(pixels):
    pca = fit_pca(pixels)
    assert pca.n_components == 64 and pca.explained_variance_ratio.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(pixels)), pixels, atol=1e-4)
    assert np.all(np.diff(pca.explained_variance_ratio) <= 1e-12)


def test_fit_is_deterministic_including_signs(pixels):
    first, again = fit_pca(pixels, 10), fit_pca(pixels[::-1].copy(), 10)
    np.testing.assert_allclose(first.components, again.components, atol=1e-5)


def test_choosing_the_number_of_components():
    ratio = np.array([0.5, 0.3, 0.1, 0.05, 0.05])
    assert choose_n_components(ratio, n_components=2) == 2
    assert choose_n_components(ratio, feature_fraction=0.4) == 2
    assert choose_n_components(np.full(784, 1 / 784), feature_fraction=0.1) == 78  # the paper
    assert choose_n_components(ratio, variance=0.8) == 2
    assert choose_n_components(ratio, variance=0.81) == 3
    assert choose_n_components(ratio, variance=1.0) == 5


@pytest.mark.parametrize("rule, message", [
    ({"n_components": 6}, "n_components = 6: the data has 5 features"),
    ({"variance": 0.0}, r"variance threshold 0.0: must be in \(0, 1\]"),
    ({"variance": 1.2}, "must be in"),
    ({"feature_fraction": 1.5}, "feature_fraction = 1.5"),
    ({}, "exactly one"),
    ({"n_components": 2, "variance": 0.5}, "exactly one"),
])
def test_bad_component_rules(rule, message):
    with pytest.raises(ConfigError, match=message):
        choose_n_components(np.full(5, 0.2), **rule)


def test_stored_arrays_round_trip(pixels):
    pca = fit_pca(pixels, 5)
    again = PCA.from_arrays(pca.to_arrays())
    np.testing.assert_array_equal(again.components, pca.components)
    assert PCA.from_arrays({}) is None
    assert pca.nbytes() == (64 + 5 * 64) * 4
