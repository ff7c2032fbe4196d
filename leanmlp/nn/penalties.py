"""Weight penalties, applied to the weights (never the biases) of every affine layer.

Conventions (they differ by a factor 2 between libraries, so they are stated here and in the
report): L1 adds ``coefficient * sum(|w|)``; L2 adds ``0.5 * coefficient * sum(w**2)``, whose
gradient is ``coefficient * w`` (the Edinburgh MLP framework's convention; PyTorch's
``weight_decay`` and scikit-learn's ``alpha`` use the same gradient).
"""

from functools import lru_cache

import numpy as np


@lru_cache
def _bit_patterns(dtype, value):
    """(integer dtype of dtype's size, its sign bit alone, value's bits) for bitwise sign work."""
    integer = {np.dtype(np.float32): np.int32, np.dtype(np.float64): np.int64}[np.dtype(dtype)]
    return integer, integer(np.iinfo(integer).min), np.array(value, dtype).view(integer)[()]


class L1Penalty:
    def __init__(self, coefficient):
        self.coefficient = coefficient

    def __call__(self, weights):
        return self.coefficient * float(np.abs(weights).sum(dtype=np.float64))

    def add_grad(self, weights: np.ndarray, grads: np.ndarray, scratch: np.ndarray) -> None:
        """Add d(penalty)/d(weights) to ``grads`` in place (``scratch``: an array like weights).

        At w = +0/-0 the sub-gradient taken is +/-coefficient (from the sign bit): float
        weights are practically never exactly zero. The term is built from bits, the
        coefficient's with the weight's sign bit, which is what ``np.copysign`` returns, at a
        fifth of its cost on float32 (numpy's copysign has no vector loop; its bitwise ops do).
        """
        integer, sign_bit, coefficient_bits = _bit_patterns(grads.dtype, self.coefficient)
        np.bitwise_and(weights.view(integer), sign_bit, out=scratch.view(integer))
        np.bitwise_or(scratch.view(integer), coefficient_bits, out=scratch.view(integer))
        grads += scratch

    def __repr__(self):
        return f"L1Penalty({self.coefficient})"


class L2Penalty:
    def __init__(self, coefficient):
        self.coefficient = coefficient

    def __call__(self, weights):
        return 0.5 * self.coefficient * float(np.square(weights).sum(dtype=np.float64))

    def add_grad(self, weights: np.ndarray, grads: np.ndarray, scratch: np.ndarray) -> None:
        np.multiply(weights, self.coefficient, out=scratch)
        grads += scratch

    def __repr__(self):
        return f"L2Penalty({self.coefficient})"
