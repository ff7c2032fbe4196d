"""Memory and disk footprint of a training-set variant (raw pixels, PCA-k, pruned PCA-k)."""

import os
from pathlib import Path

import numpy as np

from leanmlp.mining.pca import PCA


def training_footprint(path: str | Path) -> dict:
    """Sizes of the training file at ``path``, in bytes.

    disk: the file; memory: the training array as stored (uint8 pixels or float32 features);
    memory_float32: the same as float32 (what a trainer that converts up front would hold);
    transform: the PCA mean and axes needed to project new images (0 for raw pixels);
    kept_indices: the pruning record kept beside the features.
    """
    with np.load(path) as f:
        inputs = f["features"] if "features" in f else f["images"]
        pca = PCA.from_arrays(f)
        kept = f["kept_indices"].nbytes if "kept_indices" in f else 0
    n_samples = len(inputs)
    n_features = int(np.prod(inputs.shape[1:]))
    return {"n_samples": n_samples, "n_features": n_features, "disk": os.path.getsize(path),
            "memory": inputs.nbytes, "memory_float32": n_samples * n_features * 4,
            "transform": pca.nbytes() if pca is not None else 0, "kept_indices": kept}
