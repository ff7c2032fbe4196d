"""Weight initialisers: small callables that fill a parameter array in place from a seeded generator."""

import numpy as np


class GlorotUniformInit:
    """Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    Weights have shape (fan_in, fan_out).
    """

    def __init__(self, rng, gain=1.0):
        self.rng = rng
        self.gain = gain

    def __call__(self, weights):
        fan_in, fan_out = weights.shape
        limit = self.gain * np.sqrt(6.0 / (fan_in + fan_out))
        weights[...] = self.rng.uniform(-limit, limit, size=weights.shape)

    def __repr__(self):
        return f"GlorotUniformInit(gain={self.gain})"
