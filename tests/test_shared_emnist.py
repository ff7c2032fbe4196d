"""The real EMNIST ByMerge test partition in ../shared converts correctly."""

import hashlib

import numpy as np

from leanmlp.data.emnist import load_emnist_part

# sha256 of the converted (upright) uint8 arrays, pinned from a run of load_emnist_part.
IMAGES_SHA256 = "907234b7bbac5ee43a6babdf6b9c824af1f8bdb4438a30751db65784e4257e37"
LABELS_SHA256 = "4cab0c1efced559964a6f2e8409fee082c1294d6fe93452fd5b029d288010cd9"


def test_bymerge_test_partition_converts(shared_emnist):
    data = load_emnist_part(shared_emnist, "bymerge", "test")
    assert data.images.shape == (116323, 28, 28) and data.images.dtype == np.uint8
    assert "".join(data.characters) == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt"
    counts = np.bincount(data.labels, minlength=47)
    assert len(counts) == 47 and counts.min() == 415 and counts.max() == 6400
    assert hashlib.sha256(data.images.tobytes()).hexdigest() == IMAGES_SHA256
    assert hashlib.sha256(data.labels.tobytes()).hexdigest() == LABELS_SHA256


def test_images_are_upright(shared_emnist):
    """A handwritten '1' is a vertical stroke: its mean image spreads more down than across."""
    data = load_emnist_part(shared_emnist, "bymerge", "test")
    mean_one = data.images[data.labels == data.characters.index("1")].mean(axis=0)
    rows, cols = np.indices(mean_one.shape)

    def spread(coordinate):
        centre = (coordinate * mean_one).sum() / mean_one.sum()
        return np.sqrt(((coordinate - centre) ** 2 * mean_one).sum() / mean_one.sum())

    assert spread(rows) > 1.5 * spread(cols)
