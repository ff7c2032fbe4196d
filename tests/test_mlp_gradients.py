"""Finite-difference checks (in float64) of every layer, activation, the loss, both penalties,
and a whole network with dropout fixed by a seed."""

import numpy as np
import pytest

from leanmlp.nn.initialisers import GlorotUniformInit
from leanmlp.nn.layers import AffineLayer, DropoutLayer, ReluLayer, SigmoidLayer, TanhLayer
from leanmlp.nn.losses import SoftmaxCrossEntropy
from leanmlp.nn.models import MLP, MLPSpec
from leanmlp.nn.penalties import L1Penalty, L2Penalty

EPS = 1e-6


def numerical_grad(f, x):
    """Central differences of the scalar function f at x (perturbed in place)."""
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + EPS
        plus = f()
        flat[i] = saved - EPS
        minus = f()
        flat[i] = saved
        gflat[i] = (plus - minus) / (2 * EPS)
    return grad


def assert_close(analytic, numeric):
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def bound_affine(rng, penalty=None, n_in=5, n_out=4):
    layer = AffineLayer(n_in, n_out, GlorotUniformInit(rng), penalty)
    params = [np.empty(s) for s in layer.param_shapes]
    grads = [np.empty(s) for s in layer.param_shapes]
    layer.bind(params, grads)
    layer.biases[...] = rng.normal(size=n_out)
    return layer


def away_from_zero(rng, shape):
    """Inputs kept off the ReLU kink so differences stay on one side of it."""
    x = rng.normal(size=shape)
    return np.where(np.abs(x) < 0.1, 0.5, x)


@pytest.mark.parametrize("make_layer", [
    lambda rng: bound_affine(rng), lambda rng: ReluLayer(), lambda rng: SigmoidLayer(),
    lambda rng: TanhLayer(),
], ids=["affine", "relu", "sigmoid", "tanh"])
def test_layer_input_gradients(make_layer):
    rng = np.random.default_rng(0)
    layer = make_layer(rng)
    x = away_from_zero(rng, (3, 5))
    weights = rng.normal(size=layer.fprop(x).shape)  # loss = sum(outputs * weights)
    analytic = layer.bprop(x, layer.fprop(x), weights.copy())
    assert_close(analytic, numerical_grad(lambda: float((layer.fprop(x) * weights).sum()), x))


def test_dropout_input_gradient_with_a_fixed_mask():
    layer = DropoutLayer(0.6, None)
    x = np.random.default_rng(1).normal(size=(4, 6))
    weights = np.random.default_rng(2).normal(size=x.shape)

    def forward():
        layer.rng = np.random.default_rng(7)  # the same mask at every evaluation
        return layer.fprop(x, training=True)

    analytic = layer.bprop(x, forward(), weights.copy())
    assert_close(analytic, numerical_grad(lambda: float((forward() * weights).sum()), x))
    assert 0 < np.count_nonzero(analytic) < analytic.size


@pytest.mark.parametrize("penalty", [None, L1Penalty(0.3), L2Penalty(0.3)], ids=["none", "l1", "l2"])
def test_affine_parameter_gradients_with_penalties(penalty):
    rng = np.random.default_rng(3)
    layer = bound_affine(rng, penalty)
    x = rng.normal(size=(3, 5))
    weights = rng.normal(size=(3, 4))

    def loss():
        return float((layer.fprop(x) * weights).sum()) + layer.penalty()

    layer.accumulate_param_grads(x, weights)
    assert_close(layer.grad_weights, numerical_grad(loss, layer.weights))
    assert_close(layer.grad_biases, numerical_grad(loss, layer.biases))


@pytest.mark.parametrize("penalty", [L1Penalty(0.05), L2Penalty(0.05)], ids=["l1", "l2"])
def test_penalty_gradients(penalty):
    w = away_from_zero(np.random.default_rng(4), (4, 3))
    grads = np.zeros_like(w)
    penalty.add_grad(w, grads, np.empty_like(w))
    assert_close(grads, numerical_grad(lambda: penalty(w), w))


def test_penalty_conventions():
    w = np.array([[1.0, -2.0], [3.0, 0.0]])
    assert L1Penalty(0.1)(w) == pytest.approx(0.6)
    assert L2Penalty(0.1)(w) == pytest.approx(0.5 * 0.1 * 14)


def test_softmax_cross_entropy_gradient_and_stability():
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(4, 6)) * 3
    labels = np.array([0, 5, 2, 2])
    error = SoftmaxCrossEntropy()
    assert_close(error.grad(logits, labels), numerical_grad(lambda: error(logits, labels), logits))
    huge = np.array([[1000.0, 0.0], [0.0, -1000.0]], dtype=np.float32)
    assert error(huge, np.array([0, 0])) == pytest.approx(0.0, abs=1e-6)
    assert np.isfinite(error(huge, np.array([1, 1])))


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("penalty", [{}, {"l1": 1e-3}, {"l2": 1e-3}], ids=["none", "l1", "l2"])
def test_whole_network_with_dropout(activation, penalty):
    spec = MLPSpec(n_inputs=6, n_classes=3, hidden=(5, 4, 4), activation=activation,
                   dropout_keep=0.7, dropout_after=(1, 2), **penalty)
    model = MLP(spec, np.random.default_rng(6), dtype=np.float64)
    # Zero biases would put a row whose inputs were all dropped exactly on the ReLU kink.
    model.params[:] += np.random.default_rng(9).normal(scale=0.5, size=model.params.size)
    x = np.random.default_rng(8).normal(size=(5, 6))
    labels = np.array([0, 1, 2, 1, 0])
    dropouts = [layer for layer in model.layers if isinstance(layer, DropoutLayer)]
    assert len(dropouts) == 2

    def forward():
        for i, layer in enumerate(dropouts):
            layer.rng = np.random.default_rng(100 + i)
        return model.fprop(x, training=True)

    def loss():
        return model.loss(forward()[-1], labels) + model.penalty()

    pre_activations = [a for layer, a in zip(model.layers, forward()[1:], strict=True)
                       if isinstance(layer, AffineLayer)][:-1]
    # a 1e-6 nudge moves a pre-activation by ~1e-5 at most: stay further than that from the kink
    assert min(np.abs(a).min() for a in pre_activations) > 1e-4
    for i, layer in enumerate(dropouts):
        layer.rng = np.random.default_rng(100 + i)
    model.train_step_grads(x, labels)
    analytic = model.grads.copy()
    assert_close(analytic, numerical_grad(loss, model.params))


def test_every_layer_keeps_the_base_contract():
    """Each layer has its own fprop and bprop, and bprop leaves the inputs and outputs of the
    forward pass it follows as they were (the layers below still read them)."""
    from leanmlp.nn import layers

    concrete = [kind for kind in vars(layers).values()
                if isinstance(kind, type) and issubclass(kind, layers.Layer) and kind is not layers.Layer]
    assert len(concrete) == 5
    rng = np.random.default_rng(0)
    for kind in concrete:
        assert kind.fprop is not layers.Layer.fprop and kind.bprop is not layers.Layer.bprop, kind.__name__
        if kind is layers.AffineLayer:
            layer = kind(6, 4, lambda w: w.__setitem__(..., rng.normal(size=w.shape)))
            layer.bind([np.zeros((6, 4), np.float32), np.zeros(4, np.float32)],
                       [np.zeros((6, 4), np.float32), np.zeros(4, np.float32)])
        elif kind is layers.DropoutLayer:
            layer = kind(0.5, np.random.default_rng(1))
        else:
            layer = kind()
        inputs = rng.normal(size=(3, 6)).astype(np.float32)
        outputs = layer.fprop(inputs, training=True)
        kept_inputs, kept_outputs = inputs.copy(), outputs.copy()
        layer.bprop(inputs, outputs, np.ones_like(outputs))
        assert np.array_equal(inputs, kept_inputs) and np.array_equal(outputs, kept_outputs), kind.__name__
    with pytest.raises(NotImplementedError, match="no forward pass"):
        layers.Layer().fprop(np.zeros((1, 1), np.float32))
