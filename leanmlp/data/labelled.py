"""Labelled images, the one thing every source yields: upright uint8 images, labels 0..K-1 and
the character of each class, so the rest of the pipeline never knows which source it came from;
and their .npz files."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.exceptions import DataFormatError


@dataclass(frozen=True)
class LabelledImages:
    """Images with labels.

    images : uint8 array of shape (n_samples, height, width), upright, 0 = background
    labels : uint8 array of shape (n_samples,), values 0..n_classes-1
    characters : the character(s) each class stands for, indexed by label
    """

    images: np.ndarray
    labels: np.ndarray
    characters: tuple

    def __post_init__(self):
        if len(self.images) != len(self.labels):
            raise DataFormatError(
                f"{len(self.images)} images but {len(self.labels)} labels: they must pair up"
            )


def save_labelled(path: str | Path, data: LabelledImages, **extra: np.ndarray) -> None:
    """Save a ``LabelledImages`` (plus any extra arrays) as an uncompressed .npz, atomically."""
    save_npz(path, images=data.images, labels=data.labels,
             characters=np.array(data.characters), **extra)


def load_labelled(path: str | Path) -> LabelledImages:
    """Load what ``save_labelled`` wrote."""
    with np.load(path) as f:
        return LabelledImages(f["images"], f["labels"], tuple(str(c) for c in f["characters"]))

