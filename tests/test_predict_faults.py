"""`python -m leanmlp predict` on broken input: one line naming the file and the problem, a
non-zero exit, never a traceback; and it names the code that trained the model."""

import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO

from leanmlp.deploy.model_io import save_model
from leanmlp.mining.pca import fit_pca
from leanmlp.nn.fitting import run_training
from leanmlp.provenance import provenance

SMALL = {"hidden": [16], "epochs": 2, "batch_size": 50}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("predict")
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(120, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 4, size=120)
    flat = images.reshape(120, -1).astype(np.float32) / 255
    pca = fit_pca(flat, 10)
    features = pca.transform(flat)
    split = ((features[:80], labels[:80]), (features[80:100], labels[80:100]), (features[100:], labels[100:]))
    model, result, _ = run_training(SMALL, *split, 4, seed=0)
    save_model(folder / "pca_model.npz", model, tuple("abcd"), SMALL, result.best_params, pca,
               provenance=provenance({"name": "t"}))
    np.savez(folder / "images.npz", images=images, labels=labels)
    np.savez(folder / "digits_like.npz", images=images[:, :8, :8])
    np.savez(folder / "empty.npz", images=np.zeros((0, 28, 28), np.uint8))
    good = (folder / "pca_model.npz").read_bytes()
    (folder / "truncated.npz").write_bytes(good[: len(good) // 2])
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0xFF
    (folder / "flipped.npz").write_bytes(bytes(flipped))
    (folder / "notes.txt").write_text("not a model\n")
    np.savez(folder / "label_column.npz", images=images, labels=labels[:, None])
    np.savez(folder / "label_text.npz", images=images, labels=labels.astype(str))
    np.savez(folder / "foreign_labels.npz", images=images, labels=labels + 4)
    with np.load(folder / "pca_model.npz") as f:
        arrays = dict(f)
    damaged = {
        "nan_model.npz": {"params": np.full_like(arrays["params"], np.nan)},
        "short_params.npz": {"params": arrays["params"][:-3]},
        "square_params.npz": {"params": arrays["params"][:100].reshape(10, 10)},
        "spec_not_json.npz": {"spec": np.array("{hidden: [16")},
        "spec_extra_key.npz": {"spec": np.array(str(arrays["spec"])[:-1] + ', "width": 3}')},
        "few_characters.npz": {"characters": np.array(list("ab"))},
    }
    for name, change in damaged.items():
        np.savez(folder / name, **{**arrays, **change})
    np.savez(folder / "no_spec.npz", **{k: v for k, v in arrays.items() if k != "spec"})
    return folder


def predict(*args):
    return subprocess.run([sys.executable, "-m", "leanmlp", "predict", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_a_good_model_prints_its_provenance_and_warm_timings(files):
    result = predict(files / "pca_model.npz", files / "images.npz", "--single", "10", "--budget", "0.05")
    assert result.returncode == 0, result.stderr
    assert "trained by: commit" in result.stdout and "leanmlp at" in result.stdout
    assert "latency on one BLAS thread, 3 warm-up calls first" in result.stdout and "accuracy:" in result.stdout
    assert re.search(r"batched \(\d+ images a call\): median [\d.]+ us per sample \(interquartile", result.stdout)


@pytest.mark.parametrize("model, images, message", [
    ("pca_model.npz", "digits_like.npz", "digits_like.npz does not fit"),
    ("truncated.npz", "images.npz", "truncated.npz: not a readable model file"),
    ("flipped.npz", "images.npz", "flipped.npz: not a readable model file"),
    ("notes.txt", "images.npz", "notes.txt: not a model file"),
    ("pca_model.npz", "notes.txt", "notes.txt: not a file of images"),
    ("pca_model.npz", "empty.npz", "empty.npz: holds no images"),
    ("missing.npz", "images.npz", "missing.npz: no such file"),
    ("pca_model.npz", "label_column.npz", "label_column.npz: labels must be one per image, shape (120,); "
                                          "got shape (120, 1)"),
    ("pca_model.npz", "label_text.npz", "label_text.npz: labels must be integer class indices"),
    ("pca_model.npz", "foreign_labels.npz", "labels run from 4 to 7, but"),
    ("nan_model.npz", "images.npz", "nan_model.npz: its final parameters hold NaN or infinite values"),
    ("short_params.npz", "images.npz", "short_params.npz: its final parameters have shape"),
    ("square_params.npz", "images.npz", "square_params.npz: its final parameters have shape (10, 10)"),
    ("spec_not_json.npz", "images.npz", "spec_not_json.npz: its 'spec' is not JSON"),
    ("spec_extra_key.npz", "images.npz", "spec_extra_key.npz: its spec has unknown fields ['width']"),
    ("few_characters.npz", "images.npz", "few_characters.npz: 2 characters for the model's 4 classes"),
    ("no_spec.npz", "images.npz", "no_spec.npz: not a model file: it has no 'spec' array"),
])
def test_each_fault_is_one_line(files, model, images, message):
    result = predict(files / model, files / images)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
