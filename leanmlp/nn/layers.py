"""Layers: a forward (``fprop``) and a backward (``bprop``) method side by side.

Shapes: inputs and outputs are (batch_size, n_features), float32.
``bprop`` may overwrite ``grads_wrt_outputs`` (it is always a fresh array the caller no
longer needs), which saves an allocation per layer per step.
Layers with parameters hold views into the model's flat parameter and gradient buffers, so
an optimiser updates every parameter in a few passes over one array.
"""

import numpy as np


class Layer:
    """The contract every layer keeps; this base is also a layer without parameters.

    ``fprop(inputs, training)`` returns the outputs of a batch. In training mode a layer may
    draw random numbers (dropout) and keep what its backward pass needs (a mask); it never
    modifies ``inputs``.

    ``bprop(inputs, outputs, grads_wrt_outputs)`` returns the gradient w.r.t. the inputs. It is
    called once per training step, after ``fprop(inputs, training=True)`` of the same batch, with
    that call's ``inputs`` and ``outputs``: it may rely on what that ``fprop`` kept (and only on
    the most recent one). It may overwrite ``grads_wrt_outputs`` and return it, but not
    ``inputs`` or ``outputs``, which the layers below still need.

    ``accumulate_param_grads(inputs, grads_wrt_outputs)`` overwrites (never adds to) the layer's
    gradient views with this batch's gradient, penalty included.
    """

    param_shapes = ()

    def fprop(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} has no forward pass")

    def bprop(self, inputs: np.ndarray, outputs: np.ndarray, grads_wrt_outputs: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} has no backward pass")

    def bind(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Receive views into the model's flat buffers, one per entry of ``param_shapes``."""

    def accumulate_param_grads(self, inputs: np.ndarray, grads_wrt_outputs: np.ndarray) -> None:
        """Write this layer's parameter gradients into its gradient views (none here)."""

    def penalty(self) -> float:
        return 0.0


class AffineLayer(Layer):
    """outputs = inputs @ weights + biases, weights of shape (n_inputs, n_outputs)."""

    def __init__(self, n_inputs, n_outputs, weights_init, penalty=None):
        self.n_inputs, self.n_outputs = n_inputs, n_outputs
        self.weights_init = weights_init
        self.weights_penalty = penalty
        self.param_shapes = ((n_inputs, n_outputs), (n_outputs,))

    def bind(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        self.weights, self.biases = params
        self.grad_weights, self.grad_biases = grads
        self.weights_init(self.weights)
        self.biases[...] = 0.0
        # reused by the penalty's gradient: a fresh weight-sized temporary every step costs more
        self._penalty_scratch = np.empty_like(self.weights) if self.weights_penalty else None

    def fprop(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        outputs = inputs @ self.weights
        outputs += self.biases
        return outputs

    def bprop(self, inputs: np.ndarray, outputs: np.ndarray, grads_wrt_outputs: np.ndarray) -> np.ndarray:
        return grads_wrt_outputs @ self.weights.T

    def accumulate_param_grads(self, inputs: np.ndarray, grads_wrt_outputs: np.ndarray) -> None:
        np.matmul(inputs.T, grads_wrt_outputs, out=self.grad_weights)
        np.sum(grads_wrt_outputs, axis=0, out=self.grad_biases)
        if self.weights_penalty is not None:
            self.weights_penalty.add_grad(self.weights, self.grad_weights, self._penalty_scratch)

    def penalty(self) -> float:
        return 0.0 if self.weights_penalty is None else self.weights_penalty(self.weights)

    def __repr__(self):
        return (f"AffineLayer({self.n_inputs}, {self.n_outputs}, init={self.weights_init!r}, "
                f"penalty={self.weights_penalty!r})")


class ReluLayer(Layer):
    """max(0, x), as x times a 0/1 float mask kept for the backward pass: a float-by-float
    product each way costs less than ``np.maximum`` forward and a boolean mask backward."""

    def __init__(self):
        self._mask = None

    def fprop(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        self._mask = np.greater(inputs, 0.0).astype(inputs.dtype)
        return inputs * self._mask

    def bprop(self, inputs: np.ndarray, outputs: np.ndarray, grads_wrt_outputs: np.ndarray) -> np.ndarray:
        return np.multiply(grads_wrt_outputs, self._mask, out=grads_wrt_outputs)

    def __repr__(self):
        return "ReluLayer()"


class SigmoidLayer(Layer):
    def fprop(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        # tanh form: exact and free of overflow warnings for large |x|
        return 0.5 * np.tanh(0.5 * inputs) + 0.5

    def bprop(self, inputs: np.ndarray, outputs: np.ndarray, grads_wrt_outputs: np.ndarray) -> np.ndarray:
        grads_wrt_outputs *= outputs * (1.0 - outputs)
        return grads_wrt_outputs

    def __repr__(self):
        return "SigmoidLayer()"


class TanhLayer(Layer):
    def fprop(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        return np.tanh(inputs)

    def bprop(self, inputs: np.ndarray, outputs: np.ndarray, grads_wrt_outputs: np.ndarray) -> np.ndarray:
        grads_wrt_outputs *= 1.0 - outputs * outputs
        return grads_wrt_outputs

    def __repr__(self):
        return "TanhLayer()"


class DropoutLayer(Layer):
    """Inverted dropout: in training each unit is kept with probability ``keep_prob`` and
    scaled by ``1 / keep_prob``; in evaluation the layer is the identity (deterministic).

    This matches the paper's Algorithm 1/2 in expectation; the paper instead leaves training
    unscaled and multiplies by the keep probability at evaluation.

    The mask is drawn from one random byte per unit: the keep probability realised is
    round(256 keep_prob) / 256, exact for the paper's 0.25, 0.5 and 0.75 and within 1/512
    otherwise, and kept units are scaled by 1 / that realised probability, so each unit's
    expected output is its input exactly. The bytes are the generator's raw 64-bit words
    (``random_raw``, a third of the cost of ``Generator.bytes``, and the same bytes whenever
    the layer's size is a multiple of 8). The mask is kept as floats, 0 or the scale, so
    forward and backward are one product each.
    """

    def __init__(self, keep_prob, rng):
        self.keep_prob = keep_prob
        self.rng = rng
        self._threshold = np.uint8(min(max(round(keep_prob * 256), 1), 255))
        self._scale = 256 / int(self._threshold)  # 1 / the keep probability realised
        self._mask = None

    def _random_bytes(self, count):
        words = self.rng.bit_generator.random_raw(-(-count // 8))
        return words.view(np.uint8)[:count]

    def fprop(self, inputs: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.keep_prob >= 1.0:
            return inputs
        keep = self._random_bytes(inputs.size).reshape(inputs.shape) < self._threshold
        self._mask = keep.astype(inputs.dtype)
        self._mask *= self._scale
        return inputs * self._mask

    def bprop(self, inputs: np.ndarray, outputs: np.ndarray, grads_wrt_outputs: np.ndarray) -> np.ndarray:
        if self._mask is None:
            return grads_wrt_outputs
        grads_wrt_outputs *= self._mask
        return grads_wrt_outputs

    def __repr__(self):
        return f"DropoutLayer(keep_prob={self.keep_prob})"


ACTIVATION_LAYERS = {"relu": ReluLayer, "sigmoid": SigmoidLayer, "tanh": TanhLayer}
