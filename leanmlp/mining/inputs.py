"""Training inputs: a split file (pixels) or a variant's feature file (PCA projections, pruned
sets), and the PCA transform a variant's train file carries."""

from pathlib import Path

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.exceptions import DataFormatError
from leanmlp.mining.pca import PCA
from leanmlp.nn.data_providers import as_features


def save_features(path: str | Path, features: np.ndarray, labels: np.ndarray, characters: tuple[str, ...],
                  pca: PCA | None = None, **extra: np.ndarray) -> None:
    """Save projected float32 features (a PCA variant) with labels; the train file of a
    variant also carries its transform, so a model trained on it can be saved whole."""
    arrays = {"features": features.astype(np.float32, copy=False), "labels": labels,
              "characters": np.array(characters), **extra}
    if pca is not None:
        arrays.update(pca.to_arrays())
    save_npz(path, **arrays)


def load_training_inputs(path: str | Path) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], PCA | None]:
    """(inputs (n, d), labels, characters, PCA or None) from a split file or a feature file.

    Pixels stay uint8 (scaled per batch by the trainer); features are float32.
    """
    with np.load(path) as f:
        inputs = f["features"] if "features" in f else as_features(f["images"])
        return inputs, f["labels"], tuple(str(c) for c in f["characters"]), PCA.from_arrays(f)


def read_pca(path: str | Path) -> PCA:
    """The PCA stored in a variant's train file, without loading its features."""
    with np.load(path) as f:
        pca = PCA.from_arrays(f)
    if pca is None:
        raise DataFormatError(f"{path}: holds no PCA transform")
    return pca

