"""Mini-batch providers that keep the data compact and convert one batch at a time."""

import numpy as np

from .exceptions import DataFormatError


def as_features(inputs):
    """Flatten to (n_samples, n_features); uint8 pixels stay uint8 (scaled per batch)."""
    inputs = np.asarray(inputs)
    return inputs.reshape(len(inputs), -1)


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
        self._buffer = np.empty((min(batch_size, len(inputs)), inputs.shape[1]), np.float32)

    def __len__(self):
        return -(-len(self.labels) // self.batch_size)

    def __iter__(self):
        n = len(self.labels)
        order = self.rng.permutation(n) if self.rng is not None else None
        for start in range(0, n, self.batch_size):
            index = order[start:start + self.batch_size] if order is not None else slice(start, start + self.batch_size)
            batch = self.inputs[index]
            out = self._buffer[:len(batch)]
            if batch.dtype == np.uint8:
                np.multiply(batch, np.float32(1 / 255), out=out)
            else:
                out[...] = batch
            yield out, self.labels[index]
