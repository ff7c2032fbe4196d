"""leanmlp.MLPClassifier: a scikit-learn estimator over the pipeline's own network and loop."""

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from leanmlp import MLPClassifier
from leanmlp.__main__ import main as cli_main
from leanmlp.data.sources import load_digits
from leanmlp.deploy.model_io import Predictor, save_model
from leanmlp.exceptions import ConfigError
from leanmlp.nn.fitting import run_training

SMALL = {"hidden_layer_sizes": (16,), "dropout_after": (1,), "max_iter": 20, "batch_size": 16, "random_state": 0}


@parametrize_with_checks([MLPClassifier(**SMALL), MLPClassifier(**SMALL, dropout_keep=0.8, l1=1e-4)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def digits_pixels():
    """The digits as uint8 images (0..255) and their labels, split in two; ``features`` gives
    what the predict command feeds a network (pixels / 255)."""
    digits = load_digits()
    return train_test_split(digits.images, digits.labels, test_size=0.3, random_state=0)


def features(images):
    return images.reshape(len(images), -1) * np.float32(1 / 255)


def test_the_estimator_trains_the_pipelines_network_bit_for_bit(digits_pixels):
    train_images, test_images, train_labels, test_labels = digits_pixels
    estimator = MLPClassifier(hidden_layer_sizes=(32, 32), dropout_keep=0.75, l1=1e-5, max_iter=30,
                              batch_size=50, random_state=3).fit(features(train_images), train_labels)
    hyperparameters = estimator.hyperparameters(len(train_labels))
    data = (features(train_images), train_labels)
    model, result, _ = run_training(hyperparameters, data, data, (features(test_images), test_labels), 10, seed=3)
    assert np.array_equal(estimator.network_.params, model.params)
    assert estimator.loss_curve_ == [record["train_running_loss"] for record in result.history]
    assert estimator.score(features(test_images), test_labels) > 0.8


def test_string_labels_and_probabilities(digits_pixels):
    train_images, test_images, train_labels, _ = digits_pixels
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
    estimator = MLPClassifier(hidden_layer_sizes=(32,), max_iter=5, random_state=0)
    estimator.fit(features(train_images), names[train_labels])
    assert set(estimator.predict(features(test_images))) <= set(names)
    probabilities = estimator.predict_proba(features(test_images))
    assert probabilities.dtype == np.float32 and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    assert list(estimator.classes_) == sorted(names)


def test_bad_hyperparameters_name_the_value(digits_pixels):
    train_images, _, train_labels, _ = digits_pixels
    with pytest.raises(ConfigError, match="dropout keep probability must be in"):
        MLPClassifier(dropout_keep=1.5, max_iter=1).fit(features(train_images), train_labels)
    with pytest.raises(ConfigError, match="unknown optimizer 'rmsprop'"):
        MLPClassifier(solver="rmsprop", max_iter=1).fit(features(train_images), train_labels)


def test_grid_search_over_dropout_and_l1_after_pca(digits_pixels):
    train_images, test_images, train_labels, test_labels = digits_pixels
    pipeline = Pipeline([("pca", PCA(20, random_state=0)),
                         ("mlp", MLPClassifier(hidden_layer_sizes=(32,), dropout_after=(1,), max_iter=40,
                                               random_state=0))])
    search = GridSearchCV(pipeline, {"mlp__dropout_keep": [None, 0.75], "mlp__l1": [0.0, 1e-4]}, cv=3)
    search.fit(features(train_images), train_labels)
    assert len(search.cv_results_["params"]) == 4
    assert set(search.best_params_) == {"mlp__dropout_keep", "mlp__l1"}
    assert search.score(features(test_images), test_labels) > 0.85


def test_a_saved_estimator_predicts_through_the_command_line(digits_pixels, tmp_path, capsys):
    train_images, test_images, train_labels, test_labels = digits_pixels
    estimator = MLPClassifier(hidden_layer_sizes=(32,), max_iter=10, random_state=0)
    estimator.fit(features(train_images), train_labels)
    estimator.save(tmp_path / "model.npz")
    np.savez(tmp_path / "images.npz", images=test_images, labels=test_labels)
    cli_main(["predict", str(tmp_path / "model.npz"), str(tmp_path / "images.npz"), "--budget", "0.1", "--single", "5"])
    expected = np.mean(estimator.predict(features(test_images)) == test_labels)
    assert f"accuracy: {expected:.4f}" in capsys.readouterr().out
    loaded = MLPClassifier.load(tmp_path / "model.npz")
    assert np.array_equal(loaded.predict(features(test_images)), estimator.predict(features(test_images)))
    assert np.array_equal(loaded.classes_, estimator.classes_)


def test_a_pipeline_model_loads_into_the_estimator(digits_pixels, tmp_path):
    train_images, test_images, train_labels, test_labels = digits_pixels
    hyperparameters = {"hidden": [32], "dropout_after": [1], "epochs": 5, "batch_size": 50,
                       "optimizer": "adam", "learning_rate": 1e-3}
    data = (train_images.reshape(len(train_images), -1), train_labels)
    model, _, _ = run_training(hyperparameters, data, data, data, 10, seed=0)
    save_model(tmp_path / "model.npz", model, list("0123456789"), hyperparameters)
    estimator = MLPClassifier.load(tmp_path / "model.npz")
    expected = Predictor(tmp_path / "model.npz").predict(test_images)
    assert np.array_equal(estimator.predict(features(test_images)), expected)
    assert estimator.characters_ == tuple("0123456789") and estimator.get_params()["max_iter"] == 5


def test_the_readme_example_prints_what_the_readme_says(tmp_path):
    import re
    import subprocess
    import sys

    from conftest import REPO

    section = (REPO / "README.md").read_text().split("### The network as a scikit-learn estimator", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    printed = re.search(r"prints, in [^`]*`(.*?)`", section, re.DOTALL).group(1)
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == " ".join(printed.split())


def test_an_estimator_on_labels_1_to_10_predicts_them_through_the_command_line(digits_pixels, tmp_path, capsys):
    train_images, test_images, train_labels, test_labels = digits_pixels
    estimator = MLPClassifier(hidden_layer_sizes=(32,), max_iter=10, random_state=0)
    estimator.fit(features(train_images), train_labels + 1)
    estimator.save(tmp_path / "model.npz")
    np.savez(tmp_path / "images.npz", images=test_images, labels=test_labels + 1)
    cli_main(["predict", str(tmp_path / "model.npz"), str(tmp_path / "images.npz"), "--budget", "0.1",
              "--single", "5", "--show", "4"])
    out = capsys.readouterr().out
    predicted = estimator.predict(features(test_images))
    assert f"accuracy: {np.mean(predicted == test_labels + 1):.4f}" in out
    assert f"predicted: {' '.join(str(label) for label in predicted[:4])}\n" in out  # 10 stays one label


@pytest.mark.parametrize("hidden", [(8,), (8, 8, 8)])
def test_dropout_acts_after_every_hidden_layer_of_any_depth_unless_told(hidden):
    x, y = load_digits().images.reshape(-1, 64)[:200] / 16, load_digits().labels[:200]
    estimator = MLPClassifier(hidden_layer_sizes=hidden, dropout_keep=0.5, max_iter=1).fit(x, y)
    assert estimator.network_.spec.dropout_after == tuple(range(1, len(hidden) + 1))
    told = MLPClassifier(hidden_layer_sizes=(8, 8, 8), dropout_keep=0.5, dropout_after=(1, 2), max_iter=1).fit(x, y)
    assert told.network_.spec.dropout_after == (1, 2)
