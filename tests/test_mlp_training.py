"""Training behaviour: determinism, memorisation, divergence, references, bad input, the CLI."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

from leanmlp.__main__ import main as cli_main
from leanmlp.data.sources import load_digits
from leanmlp.deploy.estimator import MLPClassifier as LeanClassifier
from leanmlp.deploy.model_io import Predictor, save_model
from leanmlp.exceptions import ConfigError
from leanmlp.nn.fitting import run_training, timing_summary
from leanmlp.nn.layers import DropoutLayer
from leanmlp.nn.learning_rules import Adam, GradientDescent, Momentum
from leanmlp.nn.models import MLP, MLPSpec
from leanmlp.nn.penalties import L1Penalty
from leanmlp.nn.training import HISTORY_COLUMNS, evaluate, history_csv


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    x = data.images.reshape(len(data.labels), -1)
    y = data.labels
    return (x[:1200], y[:1200]), (x[1200:1500], y[1200:1500]), (x[1500:], y[1500:])


SMALL = {"hidden": [32, 32], "dropout_keep": 0.75, "l1": 1e-4, "optimizer": "adam",
         "learning_rate": 3e-3, "batch_size": 50, "epochs": 4}


def test_same_seed_gives_bit_identical_history_and_weights(digits):
    first = run_training(SMALL, *digits, 10, seed=3)
    again = run_training(SMALL, *digits, 10, seed=3)
    other = run_training(SMALL, *digits, 10, seed=4)
    drop_time = lambda history: [{k: v for k, v in r.items() if "seconds" not in k} for r in history]  # noqa: E731
    assert drop_time(first[1].history) == drop_time(again[1].history)
    assert first[0].params.tobytes() == again[0].params.tobytes()
    assert first[0].params.tobytes() != other[0].params.tobytes()


def test_everything_stays_float32(digits):
    model, result, _ = run_training(SMALL, *digits, 10, seed=0)
    assert model.params.dtype == model.grads.dtype == np.float32
    assert result.best_params.dtype == np.float32
    assert model.logits(digits[1][0][:5].astype(np.float32) / 255).dtype == np.float32


def test_a_tiny_net_memorises_a_small_batch(digits):
    (x, y), _, _ = digits
    batch = (x[:40], y[:40])
    settings = {"hidden": [64], "optimizer": "adam", "learning_rate": 1e-2, "batch_size": 40,
                "epochs": 150}
    model, result, _ = run_training(settings, batch, batch, batch, 10, seed=0)
    assert result.history[-1]["train_acc"] == 1.0
    assert evaluate(model, *batch)[1] == 1.0


def test_divergence_is_recorded_not_raised(digits):
    exploding = {"hidden": [32], "optimizer": "sgd", "learning_rate": 1e4, "epochs": 5}
    model, result, metrics = run_training(exploding, *digits, 10, seed=0)
    assert result.diverged and metrics["diverged"]
    assert "loss" in result.diverged_reason and 1 <= len(result.history) < 5
    assert metrics["epochs_run"] == len(result.history)


def test_one_sgd_step_matches_scikit_learn(digits):
    (x, y), _, _ = digits
    inputs, labels = x[:64].astype(np.float32) / 255, y[:64]
    spec = MLPSpec(64, 10, hidden=(16, 12), activation="relu")
    model = MLP(spec, np.random.default_rng(0))
    reference = MLPClassifier(hidden_layer_sizes=(16, 12), activation="relu", solver="sgd",
                              learning_rate_init=0.1, momentum=0.0, nesterovs_momentum=False,
                              alpha=0.0, batch_size=64, shuffle=False)
    reference.partial_fit(inputs, labels, classes=np.arange(10))  # creates its state
    affine = model.layers[::2]
    reference.coefs_ = [layer.weights.copy() for layer in affine]
    reference.intercepts_ = [layer.biases.copy() for layer in affine]
    reference.partial_fit(inputs, labels)  # one step on the same batch from the same weights
    model.train_step_grads(inputs, labels)
    GradientDescent(model.params, 0.1).update(model.grads)
    for layer, coef, intercept in zip(affine, reference.coefs_, reference.intercepts_, strict=True):
        np.testing.assert_allclose(layer.weights, coef, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(layer.biases, intercept, rtol=1e-5, atol=1e-6)


def test_adam_matches_the_textbook_update_and_scikit_learn():
    rng = np.random.default_rng(0)
    params = rng.normal(size=50).astype(np.float32)
    ours = Adam(params, learning_rate=1e-2)
    expected = params.astype(np.float64)
    m = v = np.zeros(50)
    sk_params = [params.astype(np.float64).copy()]
    sk = AdamOptimizer(sk_params, learning_rate_init=1e-2, epsilon=1e-8)
    for t in range(1, 6):
        grads = rng.normal(size=50)
        ours.update(grads.astype(np.float32))
        m = 0.9 * m + 0.1 * grads
        v = 0.999 * v + 0.001 * grads**2
        expected -= 1e-2 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        sk.update_params(sk_params, [grads])
    np.testing.assert_allclose(params, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(params, sk_params[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_l1_term_is_the_coefficient_with_each_weight_sign(dtype):
    weights = np.array([[1.5, -2.0, 0.0, -0.0], [1e-30, -1e-30, np.inf, -np.inf]], dtype)
    grads = np.full_like(weights, 0.25)
    L1Penalty(3e-5).add_grad(weights, grads, np.empty_like(weights))
    expected = 0.25 + np.copysign(dtype(3e-5), weights)
    np.testing.assert_array_equal(grads, expected)
    assert grads.dtype == dtype


def test_dropout_masks_come_from_the_generators_bytes():
    """One byte per unit, below round(256 keep) kept: the bytes ``Generator.bytes`` would give
    for a multiple of 8 units, so the paper's masks did not change when the draw got faster."""
    layer = DropoutLayer(0.75, np.random.default_rng(11))
    inputs = np.ones((100, 128), np.float32)
    masks = [layer.fprop(inputs, training=True) for _ in range(3)]
    reference = np.random.default_rng(11)
    for mask in masks:
        kept = np.frombuffer(reference.bytes(inputs.size), np.uint8).reshape(inputs.shape) < 192
        np.testing.assert_array_equal(mask, np.where(kept, np.float32(256 / 192), np.float32(0)))
    odd = DropoutLayer(0.5, np.random.default_rng(3)).fprop(np.ones((7, 3), np.float32), training=True)
    np.testing.assert_array_equal(odd, DropoutLayer(0.5, np.random.default_rng(3)).fprop(
        np.ones((7, 3), np.float32), training=True))
    assert set(np.unique(odd)) <= {0.0, 2.0}


def test_the_timing_line_takes_the_warm_epochs(digits):
    _, result, metrics = run_training(SMALL, *digits, 10, seed=0)
    seconds = [record["seconds"] for record in result.history]
    assert metrics["first_epoch_seconds"] == seconds[0]
    assert metrics["seconds_per_epoch_median"] == np.median(seconds[1:])
    tenth = max(1, len(seconds[1:]) // 10)
    assert metrics["late_over_early_epoch_seconds"] == np.median(seconds[1:][-tenth:]) / np.median(seconds[1:][:tenth])
    line = timing_summary(metrics)
    assert f"{metrics['late_over_early_epoch_seconds']:.2f}x the first" in line
    assert f"median epoch {metrics['seconds_per_epoch_median']:.2f} s over epochs 2-4" in line
    one = timing_summary({**metrics, "epochs_run": 1})
    assert one.startswith("one epoch,") and "median" not in one


def test_momentum_accumulates_velocity():
    params = np.zeros(2, np.float32)
    rule = Momentum(params, learning_rate=0.1, momentum=0.5)
    rule.update(np.ones(2, np.float32))
    rule.update(np.ones(2, np.float32))
    np.testing.assert_allclose(params, [-0.25, -0.25])  # -0.1, then -(0.05 + 0.1)


def test_dropout_is_random_in_training_and_deterministic_in_evaluation():
    model = MLP(MLPSpec(20, 3, hidden=(400,), dropout_keep=0.75, dropout_after=(1,)),
                np.random.default_rng(0))
    x = np.random.default_rng(1).random((50, 20), dtype=np.float32)
    np.testing.assert_array_equal(model.logits(x), model.logits(x))
    hidden = model.fprop(x, training=True)[3]  # after affine, relu, dropout
    relu = model.fprop(x, training=False)[2]
    kept = (hidden != 0)[relu != 0].mean()
    assert abs(kept - 0.75) < 0.01
    np.testing.assert_allclose(hidden[hidden != 0], relu[hidden != 0] / 0.75, rtol=1e-6)


@pytest.mark.parametrize("change, message", [
    ({"dropout_keep": 0.0}, r"keep probability must be in \(0, 1\], got 0.0"),
    ({"dropout_keep": 1.5}, r"got 1.5"),
    ({"l1": -1e-5}, r"l1 penalty coefficient must be >= 0, got -1e-05"),
    ({"hidden": (128, 0)}, r"at least 1 unit, got \[128, 0\]"),
    ({"activation": "softplus"}, "unknown activation 'softplus'"),
    ({"dropout_keep": 0.5, "dropout_after": (4,)}, r"dropout_after \[4\]"),
    ({"l1": 1e-5, "l2": 1e-5}, "not both"),
])
def test_bad_architecture_names_the_value(change, message):
    with pytest.raises(ConfigError, match=message):
        MLPSpec(784, 47, **{"hidden": (128, 128, 128), **change})


def test_bad_training_input_names_the_problem(digits):
    (x, y), valid, test = digits
    with pytest.raises(ConfigError, match="unknown hyperparameters"):
        run_training({"hiden": [3]}, (x, y), valid, test, 10, 0)
    with pytest.raises(ConfigError, match="valid inputs have 10 features, train has 64"):
        run_training({"epochs": 1}, (x, y), (valid[0][:, :10], valid[1]), test, 10, 0)
    with pytest.raises(ConfigError, match="train labels reach 9, but there are 5 classes"):
        run_training({"epochs": 1}, (x, y), valid, test, 5, 0)
    with pytest.raises(ConfigError, match="unknown optimizer 'rmsprop'"):
        run_training({"optimizer": "rmsprop"}, (x, y), valid, test, 10, 0)
    with pytest.raises(ConfigError, match="learning rate must be > 0"):
        run_training({"learning_rate": 0.0}, (x, y), valid, test, 10, 0)


def test_parameter_and_multiply_accumulate_counts():
    paper = MLPSpec(78, 47, hidden=(128, 128, 128))
    assert paper.macs_per_sample() == 78 * 128 + 2 * 128 * 128 + 128 * 47 == 48768
    assert paper.macs_per_sample() + 128 * 128 == 65152  # the paper's printed sum
    assert paper.n_params() == 48768 + 3 * 128 + 47
    assert MLP(paper, np.random.default_rng(0)).params.size == paper.n_params()


def test_saved_model_predicts_and_the_cli_reports_accuracy(digits, tmp_path, capsys):
    model, result, metrics = run_training(SMALL, *digits, 10, seed=0)
    path = tmp_path / "model.npz"
    save_model(path, model, tuple("0123456789"), SMALL, result.best_params)
    (x, y) = digits[2]
    predictor = Predictor(path)
    accuracy = float(np.mean(predictor.predict(x) == y))
    assert accuracy == pytest.approx(metrics["test_acc_final"])
    best = Predictor(path, which="best_valid")
    assert np.mean(best.predict(x) == y) == pytest.approx(metrics["test_acc_best_valid"])
    images = tmp_path / "images.npz"
    np.savez(images, images=x.reshape(-1, 8, 8), labels=y)
    cli_main(["predict", str(path), str(images), "--single", "5", "--budget", "0.2"])
    out = capsys.readouterr().out
    assert f"accuracy: {accuracy:.4f}" in out and "one at a time (" in out and "us per sample (interquartile" in out
    assert not math.isnan(accuracy)


def test_the_history_file_reads_back_as_pandas_would_have_written_it(tmp_path):
    history = [{column: float(i) / 3 for column in HISTORY_COLUMNS} | {"epoch": i} for i in range(1, 4)]
    history[0]["train_loss"] = float("nan")  # the estimator's case: no evaluation-mode train pass
    (tmp_path / "h.csv").write_text(history_csv(history))
    pd.DataFrame(history, columns=HISTORY_COLUMNS).to_csv(tmp_path / "pandas.csv", index=False)
    assert (tmp_path / "h.csv").read_text() == (tmp_path / "pandas.csv").read_text()


def test_a_batch_above_the_training_set_is_refused_by_the_stage_and_capped_aloud_by_the_estimator():
    rng = np.random.default_rng(0)
    data = (rng.random((30, 4), dtype=np.float32), rng.integers(0, 3, 30))
    too_big = {"hidden": [4], "optimizer": "sgd", "learning_rate": 0.1, "batch_size": 1_000_000, "epochs": 1}
    with pytest.raises(ConfigError, match="batch_size 1000000 is above the 30 training images"):
        run_training(too_big, data, data, data, 3, 0)
    with pytest.warns(UserWarning, match="batch_size 1000000 is above the 30 samples: each epoch is one batch"):
        LeanClassifier(hidden_layer_sizes=(4,), batch_size=1_000_000, max_iter=1).fit(*data)


def test_the_train_curve_sample_moves_only_the_curve_not_a_number_the_tables_read(digits):
    """The per-epoch train pass on a stratified sample instead of the whole split: the model, its
    valid and test numbers and the whole-split train accuracy after the last epoch stay bit for
    bit what a whole-split pass every epoch gives; only the curve's train columns move."""
    whole_model, whole, whole_metrics = run_training(SMALL, *digits, 10, seed=3, train_curve_size=10**6)
    model, sampled, metrics = run_training(SMALL, *digits, 10, seed=3, train_curve_size=300)
    assert model.params.tobytes() == whole_model.params.tobytes()
    assert metrics["final_train_acc"] == whole_metrics["final_train_acc"] == whole.history[-1]["train_acc"]
    assert metrics["train_acc_best_valid"] == whole_metrics["train_acc_best_valid"]
    for measure in ("final_valid_acc", "best_valid_acc", "test_acc_final", "test_acc_best_valid"):
        assert metrics[measure] == whole_metrics[measure]
    assert [r["valid_loss"] for r in sampled.history] == [r["valid_loss"] for r in whole.history]
    assert [r["train_acc"] for r in sampled.history] != [r["train_acc"] for r in whole.history]
    assert (metrics["train_curve_sample"], whole_metrics["train_curve_sample"]) == (300, 1200)
    # the curve's sample measures the same accuracy up to its sampling error (4 standard errors)
    for curve, full in zip(sampled.history, whole.history, strict=True):
        p = full["train_acc"]
        assert abs(curve["train_acc"] - p) <= 4 * math.sqrt(p * (1 - p) / 300) + 1e-9
    # the best-valid checkpoint's train accuracy is that of its parameters on the whole split
    best = MLP(model.spec, np.random.default_rng(0))
    best.params[:] = sampled.best_params
    assert evaluate(best, *digits[0])[1] == metrics["train_acc_best_valid"]
