"""Learning rules: small objects that hold their own state and update a flat parameter buffer in place.

Each is created with the parameter array (so state arrays match it) and then called with
the gradient array of the same shape once per step.
"""

import numpy as np

from .exceptions import ConfigError


class GradientDescent:
    """Plain (mini-batch stochastic) gradient descent: p -= lr * g."""

    def __init__(self, params, learning_rate):
        if learning_rate <= 0:
            raise ConfigError(f"learning rate must be > 0, got {learning_rate}")
        self.params = params
        self.learning_rate = learning_rate

    def update(self, grads):
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

    def update(self, grads):
        self.velocity *= self.momentum
        self.velocity -= self.learning_rate * grads
        self.params += self.velocity


class Adam(GradientDescent):
    """Adam (Kingma & Ba, 2015), the same update as ``torch.optim.Adam`` up to rounding.

    The moments are kept unscaled (m' = beta1 m' + g, v' = beta2 v' + g**2, i.e. m / (1 - beta1)
    and v / (1 - beta2)), and the bias corrections are folded into one step size and one
    epsilon, so a step is ten in-place passes over the flat buffer and allocates nothing.
    """

    def __init__(self, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8):
        super().__init__(params, learning_rate)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.first_moment = np.zeros_like(params)  # unscaled, see the class docstring
        self.second_moment = np.zeros_like(params)
        self._scratch = np.empty_like(params)

    def update(self, grads):
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


LEARNING_RULES = {"sgd": GradientDescent, "momentum": Momentum, "adam": Adam}
