"""The multi-layer perceptron: a stack of layers over one flat parameter buffer."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import numpy as np

from leanmlp.exceptions import ConfigError
from leanmlp.nn.hyperparameters import DEFAULTS
from leanmlp.nn.initialisers import GlorotUniformInit
from leanmlp.nn.layers import ACTIVATION_LAYERS, AffineLayer, DropoutLayer
from leanmlp.nn.losses import SoftmaxCrossEntropy
from leanmlp.nn.penalties import L1Penalty, L2Penalty


@dataclass(frozen=True)
class MLPSpec:
    """Architecture and regularisation of an MLP; everything needed to rebuild it.

    hidden : units per hidden layer, e.g. (128, 128, 128)
    dropout_keep : keep probability of dropout, or None for no dropout
    dropout_after : 1-based hidden layers whose outputs get dropout (the paper: 1 and 2),
        applied after the activation, before the next affine layer
    l1, l2 : weight penalty coefficients (see ``leanmlp.nn.penalties`` for the conventions)
    """

    n_inputs: int
    n_classes: int
    hidden: tuple = DEFAULTS["hidden"]
    activation: str = DEFAULTS["activation"]
    dropout_keep: float | None = DEFAULTS["dropout_keep"]
    dropout_after: tuple = DEFAULTS["dropout_after"]
    l1: float = DEFAULTS["l1"]
    l2: float = DEFAULTS["l2"]

    def __post_init__(self):
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        object.__setattr__(self, "dropout_after", tuple(int(i) for i in self.dropout_after))
        for name in ("n_inputs", "n_classes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.n_classes < 2:
            raise ConfigError(f"n_classes must be at least 2, got {self.n_classes}")
        if any(units < 1 for units in self.hidden):
            raise ConfigError(f"every hidden layer needs at least 1 unit, got {list(self.hidden)}")
        if self.activation not in ACTIVATION_LAYERS:
            raise ConfigError(f"unknown activation {self.activation!r}; "
                              f"known: {', '.join(ACTIVATION_LAYERS)}")
        if self.dropout_keep is not None:
            if not 0.0 < self.dropout_keep <= 1.0:
                raise ConfigError(f"dropout keep probability must be in (0, 1], got {self.dropout_keep}")
            bad = [i for i in self.dropout_after if not 1 <= i <= len(self.hidden)]
            if bad:
                raise ConfigError(f"dropout_after {bad}: there are hidden layers 1..{len(self.hidden)}")
            if not self.dropout_after:
                raise ConfigError(f"dropout_keep {self.dropout_keep} with dropout_after []: no hidden layer would "
                                  "drop units; name the layers, or set dropout_keep to null")
        for name in ("l1", "l2"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} penalty coefficient must be >= 0, got {getattr(self, name)}")
        if self.l1 and self.l2:
            raise ConfigError("choose one weight penalty, l1 or l2, not both")

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (self.n_inputs, *self.hidden, self.n_classes)

    def n_params(self) -> int:
        sizes = self.layer_sizes
        return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))

    def macs_per_sample(self) -> int:
        """Multiply-accumulates of one forward pass: sum of fan_in * fan_out over affine layers."""
        sizes = self.layer_sizes
        return sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))

    def to_dict(self) -> dict:
        return asdict(self)


class MLP:
    """Affine -> activation [-> dropout] ... -> affine -> softmax cross-entropy.

    Parameters live in one flat buffer ``params`` (and gradients in ``grads``); each
    affine layer's weights and biases are views into it.
    """

    def __init__(self, spec, rng, dtype=np.float32):
        self.spec = spec
        self.dtype = np.dtype(dtype)  # float64 only for gradient checks
        self.loss = SoftmaxCrossEntropy()
        penalty = L1Penalty(spec.l1) if spec.l1 else L2Penalty(spec.l2) if spec.l2 else None
        init = GlorotUniformInit(rng)
        sizes = spec.layer_sizes
        self.layers = []
        for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
            self.layers.append(AffineLayer(fan_in, fan_out, init, penalty))
            if index < len(sizes) - 1:
                self.layers.append(ACTIVATION_LAYERS[spec.activation]())
                if spec.dropout_keep is not None and index in spec.dropout_after:
                    self.layers.append(DropoutLayer(spec.dropout_keep, rng))
        self.params, self.grads = self._allocate()

    def _allocate(self):
        shapes = [shape for layer in self.layers for shape in layer.param_shapes]
        total = sum(int(np.prod(shape)) for shape in shapes)
        params = np.zeros(total, dtype=self.dtype)
        grads = np.zeros(total, dtype=self.dtype)
        offset = 0
        for layer in self.layers:
            param_views, grad_views = [], []
            for shape in layer.param_shapes:
                size = int(np.prod(shape))
                param_views.append(params[offset:offset + size].reshape(shape))
                grad_views.append(grads[offset:offset + size].reshape(shape))
                offset += size
            layer.bind(param_views, grad_views)
        return params, grads

    def fprop(self, inputs: np.ndarray, training: bool = False) -> list[np.ndarray]:
        """Return the list [inputs, output of layer 1, ..., logits]; inputs (batch, n_inputs)."""
        activations = [inputs]
        for layer in self.layers:
            activations.append(layer.fprop(activations[-1], training))
        return activations

    def bprop(self, activations: list[np.ndarray], grads_wrt_logits: np.ndarray) -> None:
        """Fill ``self.grads`` from the gradient of the loss w.r.t. the logits."""
        grads = grads_wrt_logits
        for index in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[index]
            inputs, outputs = activations[index], activations[index + 1]
            layer.accumulate_param_grads(inputs, grads)
            if index > 0:  # nobody needs the gradient w.r.t. the data
                grads = layer.bprop(inputs, outputs, grads)

    @contextmanager
    def parameters(self, params: np.ndarray) -> Iterator["MLP"]:
        """The model with ``params`` in its buffer for the block (a checkpoint's), its own after."""
        own = self.params.copy()
        self.params[:] = params
        try:
            yield self
        finally:
            self.params[:] = own

    def penalty(self) -> float:
        return sum(layer.penalty() for layer in self.layers)

    def train_step_grads(self, inputs: np.ndarray, labels: np.ndarray) -> tuple[float, int]:
        """Forward and backward on one batch; returns (data loss, number correct)."""
        activations = self.fprop(inputs, training=True)
        logits = activations[-1]
        loss, grads_wrt_logits = self.loss.loss_and_grad(logits, labels)
        self.bprop(activations, grads_wrt_logits)
        return loss, int(np.count_nonzero(logits.argmax(axis=1) == labels))

    def logits(self, inputs: np.ndarray) -> np.ndarray:
        return self.fprop(inputs, training=False)[-1]

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        return self.logits(inputs).argmax(axis=1)

    def batched_logits(self, inputs: np.ndarray, batch_size: int = 2000) -> np.ndarray:
        """Logits of many inputs, ``batch_size`` at a time, so the activations stay small."""
        return np.concatenate([self.logits(inputs[start:start + batch_size])
                               for start in range(0, len(inputs), batch_size)])

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"MLP(\n  {inner}\n)"
