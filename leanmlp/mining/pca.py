"""Principal component analysis by eigendecomposition of the covariance matrix.

The covariance (n_features x n_features) is accumulated over row chunks with float32
matrix products, so a 100,000 x 784 set never needs a float64 copy; the small symmetric
eigenproblem is then solved in float64.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from leanmlp.exceptions import ConfigError


@dataclass(frozen=True)
class PCA:
    """A fitted transform.

    mean : (n_features,) float32
    components : (n_components, n_features) float32, unit rows, by decreasing variance
    explained_variance_ratio : (n_features,) float64, for every component, not only those kept
    """

    mean: np.ndarray
    components: np.ndarray
    explained_variance_ratio: np.ndarray

    @property
    def n_components(self) -> int:
        return len(self.components)

    def variance_captured(self) -> float:
        return float(self.explained_variance_ratio[: self.n_components].sum())

    def transform(self, inputs: np.ndarray) -> np.ndarray:
        """(n_samples, n_features) float32 -> (n_samples, n_components) float32."""
        return (inputs - self.mean) @ self.components.T

    def inverse_transform(self, projected: np.ndarray) -> np.ndarray:
        return projected @ self.components + self.mean

    def truncate(self, n_components: int) -> "PCA":
        """The same transform keeping only the first ``n_components`` axes."""
        if not 1 <= n_components <= len(self.explained_variance_ratio):
            raise ConfigError(f"n_components = {n_components}: choose 1..{len(self.explained_variance_ratio)}")
        return PCA(self.mean, self.components[:n_components], self.explained_variance_ratio)

    def nbytes(self) -> int:
        return self.mean.nbytes + self.components.nbytes

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The arrays to store beside data or a model (keys prefixed ``pca_``)."""
        return {"pca_mean": self.mean, "pca_components": self.components,
                "pca_explained_variance_ratio": self.explained_variance_ratio}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> "PCA | None":
        """The PCA stored by ``to_arrays`` in a mapping (e.g. an open .npz), or None."""
        if "pca_mean" not in arrays:
            return None
        return cls(arrays["pca_mean"], arrays["pca_components"], arrays["pca_explained_variance_ratio"])


def fit_pca(inputs: np.ndarray, n_components: int | None = None, chunk_size: int = 10000) -> PCA:
    """Fit PCA on ``inputs`` (n_samples, n_features), float32 (cast from any numeric dtype).

    Axes are signed so that each one's largest-magnitude entry is positive (deterministic).
    Returns a ``PCA`` keeping ``n_components`` axes (all by default).
    """
    n_samples, n_features = inputs.shape
    if n_samples < 2:
        raise ConfigError(f"PCA needs at least 2 samples, got {n_samples}")
    mean = inputs.mean(axis=0, dtype=np.float64).astype(np.float32)
    covariance = np.zeros((n_features, n_features), dtype=np.float64)
    for start in range(0, n_samples, chunk_size):
        centred = inputs[start:start + chunk_size].astype(np.float32) - mean
        covariance += centred.T @ centred
    covariance /= n_samples - 1
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues = np.clip(eigenvalues[order], 0.0, None)
    axes = eigenvectors[:, order].T
    signs = np.sign(axes[np.arange(n_features), np.abs(axes).argmax(axis=1)])
    axes *= signs[:, None]
    pca = PCA(mean, axes.astype(np.float32), eigenvalues / eigenvalues.sum())
    return pca.truncate(n_components or n_features)


def choose_n_components(explained_variance_ratio: np.ndarray, n_components: int | None = None,
                        feature_fraction: float | None = None, variance: float | None = None) -> int:
    """Number of components from exactly one rule: a count, a fraction of the features
    (the paper: 0.1 of 784 -> 78, rounded down), or the least k whose cumulative explained
    variance reaches ``variance`` (in (0, 1])."""
    n_features = len(explained_variance_ratio)
    given = [rule for rule in (n_components, feature_fraction, variance) if rule is not None]
    if len(given) != 1:
        raise ConfigError("give exactly one of n_components, feature_fraction, variance")
    if n_components is not None:
        if not 1 <= n_components <= n_features:
            raise ConfigError(f"n_components = {n_components}: the data has {n_features} features")
        return int(n_components)
    if feature_fraction is not None:
        if not 0.0 < feature_fraction <= 1.0:
            raise ConfigError(f"feature_fraction = {feature_fraction}: must be in (0, 1]")
        return max(1, int(feature_fraction * n_features))
    if not 0.0 < variance <= 1.0:
        raise ConfigError(f"variance threshold {variance}: must be in (0, 1]")
    cumulative = np.cumsum(explained_variance_ratio)
    return int(min(np.searchsorted(cumulative, variance - 1e-12) + 1, n_features))
