"""Weight penalties, applied to the weights (never the biases) of every affine layer.

Conventions (they differ by a factor 2 between libraries, so they are stated here and in the
report): L1 adds ``coefficient * sum(|w|)``; L2 adds ``0.5 * coefficient * sum(w**2)``, whose
gradient is ``coefficient * w`` (the Edinburgh MLP framework's convention; PyTorch's
``weight_decay`` and scikit-learn's ``alpha`` use the same gradient).
"""

import numpy as np


class L1Penalty:
    def __init__(self, coefficient):
        self.coefficient = coefficient

    def __call__(self, weights):
        return self.coefficient * float(np.abs(weights).sum(dtype=np.float64))

    def add_grad(self, weights, grads, scratch):
        """Add d(penalty)/d(weights) to ``grads`` in place (``scratch``: an array like weights).

        At w = +0/-0 the sub-gradient taken is +/-coefficient (from the sign bit): float
        weights are practically never exactly zero, and ``copysign`` is several times
        faster than ``np.sign`` on float32.
        """
        np.copysign(grads.dtype.type(self.coefficient), weights, out=scratch)
        grads += scratch

    def __repr__(self):
        return f"L1Penalty({self.coefficient})"


class L2Penalty:
    def __init__(self, coefficient):
        self.coefficient = coefficient

    def __call__(self, weights):
        return 0.5 * self.coefficient * float(np.square(weights).sum(dtype=np.float64))

    def add_grad(self, weights, grads, scratch):
        np.multiply(weights, self.coefficient, out=scratch)
        grads += scratch

    def __repr__(self):
        return f"L2Penalty({self.coefficient})"
