"""Mini-batch providers that keep the data compact and convert one batch at a time."""

import numpy as np

from leanmlp.exceptions import DataFormatError

PIXEL_SCALE = np.float32(1 / 255)  # uint8 pixels -> [0, 1], the network's and PCA's input scale


def as_features(inputs: np.ndarray) -> np.ndarray:
    """Flatten to (n_samples, n_features); uint8 pixels stay uint8 (scaled per batch)."""
    inputs = np.asarray(inputs)
    return inputs.reshape(len(inputs), -1)


def scale_pixels(images: np.ndarray) -> np.ndarray:
    """uint8 images of any shape per image -> (n_samples, n_pixels) float32 in [0, 1]."""
    return np.multiply(as_features(images), PIXEL_SCALE, dtype=np.float32)


class BatchProvider:
    """Iterate over (inputs, labels) mini-batches.

    inputs : (n_samples, n_features) uint8 pixels (scaled to [0, 1] float32 per batch, so a
        100k x 784 set costs 78 MB instead of 314 MB) or float32 features (used as they are)
    labels : (n_samples,) ints in 0..n_classes-1
    rng : a ``numpy.random.Generator`` to reshuffle every pass, or None for a fixed order

    The yielded inputs array is a reused buffer: consume it before asking for the next batch.
    """

    def __init__(self, inputs, labels, batch_size, rng=None):
        inputs = as_features(inputs)
        if inputs.dtype not in (np.uint8, np.float32):
            raise DataFormatError(f"inputs must be uint8 pixels or float32 features, got {inputs.dtype}")
        if len(inputs) != len(labels):
            raise DataFormatError(f"{len(inputs)} inputs but {len(labels)} labels")
        if batch_size < 1:
            raise DataFormatError(f"batch size must be at least 1, got {batch_size}")
        self.inputs, self.labels = inputs, np.asarray(labels, dtype=np.intp)
        self.batch_size, self.rng = batch_size, rng
        rows = min(batch_size, len(inputs))
        self._buffer = np.empty((rows, inputs.shape[1]), np.float32)
        self._pixels = np.empty((rows, inputs.shape[1]), np.uint8) if inputs.dtype == np.uint8 else None

    def __len__(self):
        return -(-len(self.labels) // self.batch_size)

    def __iter__(self):
        n = len(self.labels)
        order = self.rng.permutation(n) if self.rng is not None else None
        for start in range(0, n, self.batch_size):
            stop = start + self.batch_size
            if order is None:  # in order (evaluation): a slice, nothing to gather
                rows, labels = self.inputs[start:stop], self.labels[start:stop]
            else:
                index = order[start:stop]
                scratch = self._pixels if self._pixels is not None else self._buffer
                rows, labels = np.take(self.inputs, index, axis=0, out=scratch[:len(index)]), self.labels[index]
            out = self._buffer[:len(labels)]
            if self._pixels is not None:  # compact uint8 rows, scaled into the float buffer
                out[...] = rows  # converting first, then a float32 product, beats the mixed-type product
                out *= PIXEL_SCALE
            elif rows is not out:
                out[...] = rows
            yield out, labels
