"""Learning rules: small objects that hold their own state and update a flat parameter buffer in place.

Each is created with the parameter array (so state arrays match it) and then called with
the gradient array of the same shape once per step.
"""

import math

import numpy as np

from leanmlp.exceptions import ConfigError

FLUSH_BELOW = 1e-32
"""State values smaller than this in magnitude are set to zero now and then (see ``SubnormalFlush``).

Small enough that nothing the update computes can feel it: sqrt(1e-32) = 1e-16 is below half a
float32 ulp of the smallest Adam denominator (epsilon = 1e-8), and a velocity or first moment of
1e-32 moves no parameter larger than about 1e-20.
"""


class SubnormalFlush:
    """Keeps geometrically decaying optimizer state out of float32's subnormal range.

    A state value whose gradient has become exactly zero (a unit that stopped firing, an input
    that is always zero) shrinks by its decay factor every step until it passes through the
    subnormal numbers below 1.2e-38, where Intel cores run multiplies, square roots and divisions
    many times slower (Adam's epoch nearly doubles over 100 epochs). numpy has no flush-to-zero
    switch, so every ``interval`` steps values below ``FLUSH_BELOW`` are set to zero: the interval
    is the number of steps a value of ``FLUSH_BELOW`` needs to decay to the subnormal range, so no
    state value is ever subnormal. Exact zeros stay zero at no cost. A flush costs about four
    passes over the state once in ``interval`` steps (one in 129 for Adam's beta1 = 0.9).
    """

    def __init__(self, decays):
        tiny = float(np.finfo(np.float32).tiny)
        decaying = [decay for decay in decays if 0.0 < decay < 1.0]  # 0 keeps no state to decay
        # the fastest decay reaches the subnormal range first and so sets the interval
        self.interval = (max(1, int(math.log(tiny / FLUSH_BELOW) / math.log(min(decaying))))
                         if decaying else None)
        self.steps = 0

    def __call__(self, *states):
        self.steps += 1
        if self.interval is None or self.steps % self.interval:
            return
        for state in states:
            np.putmask(state, np.abs(state) < FLUSH_BELOW, 0.0)


class GradientDescent:
    """Plain (mini-batch stochastic) gradient descent: p -= lr * g."""

    def __init__(self, params, learning_rate):
        if learning_rate <= 0:
            raise ConfigError(f"learning rate must be > 0, got {learning_rate}")
        self.params = params
        self.learning_rate = learning_rate

    def update(self, grads: np.ndarray) -> None:
        self.params -= self.learning_rate * grads

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


class Momentum(GradientDescent):
    """Heavy-ball momentum: v = momentum * v - lr * g; p += v."""

    def __init__(self, params, learning_rate, momentum=0.9):
        super().__init__(params, learning_rate)
        if not 0.0 <= momentum < 1.0:
            raise ConfigError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = momentum
        self.velocity = np.zeros_like(params)
        self._flush = SubnormalFlush([momentum])

    def update(self, grads: np.ndarray) -> None:
        self.velocity *= self.momentum
        self.velocity -= self.learning_rate * grads
        self.params += self.velocity
        self._flush(self.velocity)


class Adam(GradientDescent):
    """Adam (Kingma & Ba, 2015), the same update as ``torch.optim.Adam`` up to rounding.

    The moments are kept unscaled (m' = beta1 m' + g, v' = beta2 v' + g**2, i.e. m / (1 - beta1)
    and v / (1 - beta2)), and the bias corrections are folded into one step size and one
    epsilon, so a step is ten in-place passes over the flat buffer and allocates nothing.
    Moments below ``FLUSH_BELOW`` are set to zero now and then (``SubnormalFlush``): the
    update cannot feel them, and left alone they decay into slow subnormal numbers.
    """

    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8):
        super().__init__(params, learning_rate)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.first_moment = np.zeros_like(params)  # unscaled, see the class docstring
        self.second_moment = np.zeros_like(params)
        self._scratch = np.empty_like(params)
        self._flush = SubnormalFlush([beta1, beta2])

    def update(self, grads: np.ndarray) -> None:
        self.t += 1
        m, v, scratch = self.first_moment, self.second_moment, self._scratch
        m *= self.beta1
        m += grads
        np.multiply(grads, grads, out=scratch)
        v *= self.beta2
        v += scratch
        # p -= lr * m_hat / (sqrt(v_hat) + eps), rewritten in m' and v':
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        v_scale = np.sqrt((1.0 - self.beta2) / correction2)  # sqrt(v_hat) = v_scale * sqrt(v')
        step = self.learning_rate * (1.0 - self.beta1) / (correction1 * v_scale)
        np.sqrt(v, out=scratch)
        scratch += self.epsilon / v_scale
        np.divide(m, scratch, out=scratch)
        scratch *= step
        self.params -= scratch
        self._flush(m, v)


LEARNING_RULES = {"sgd": GradientDescent, "momentum": Momentum, "adam": Adam}
