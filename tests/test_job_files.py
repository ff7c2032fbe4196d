"""A finished training job's files read back: a damaged, cut or inconsistent one is refused by
name with what to do (issue: bad input, fourth round, item 3)."""

import json

import numpy as np
import pytest

from leanmlp.atomic import write_json, write_text
from leanmlp.deploy.model_io import save_model
from leanmlp.exceptions import DataFormatError
from leanmlp.nn.fitting import run_training
from leanmlp.nn.predictions import save_predictions
from leanmlp.nn.training import history_csv
from leanmlp.report.job_files import read_training_job, read_training_jobs

HYPERPARAMETERS = {"hidden": [8], "optimizer": "sgd", "learning_rate": 0.1, "batch_size": 10, "epochs": 3}


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """One finished job's folder, written as the train_mlp stage writes it."""
    folder = tmp_path_factory.mktemp("job") / "seed0"
    folder.mkdir()
    rng = np.random.default_rng(0)
    data = [(rng.integers(0, 256, (n, 12), dtype=np.uint8), rng.integers(0, 3, n)) for n in (60, 20, 20)]
    model, result, metrics = run_training(HYPERPARAMETERS, *data, 3, 0)
    write_text(folder / "history.csv", history_csv(result.history))
    save_predictions(folder / "predictions.npz", result.predictions)
    save_model(folder / "model.npz", model, ("a", "b", "c"), HYPERPARAMETERS, result.best_params, None)
    write_json(folder / "metrics.json", {"setting": "sgd", "run": "r", "seed": 0,
                                         "hyperparameters": HYPERPARAMETERS, **metrics})
    return folder


def damaged_copy(job, tmp_path, name, damage):
    folder = tmp_path / "seed0"
    folder.mkdir(parents=True)
    for file in job.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    path = folder / name
    damage(path)
    return folder


def cut(size):
    return lambda path: path.write_bytes(path.read_bytes()[:size])


def test_a_whole_job_reads_back(job):
    assert read_training_job(job)["epochs_run"] == 3


@pytest.mark.parametrize("name, damage, message", [
    ("metrics.json", cut(100), "metrics.json: not JSON"),
    ("metrics.json", lambda path: path.unlink(), "metrics.json: missing"),
    ("metrics.json", lambda path: path.write_text(json.dumps({"run": "r"})), "metrics.json: no setting, seed"),
    ("history.csv", lambda path: path.write_bytes(path.read_bytes()[:-20]), "history.csv: cut short"),
    ("history.csv", lambda path: path.write_text(path.read_text().replace("\n1,", "\n1;", 1)),
     "history.csv: line 2 is not a whole row (9 fields of 10)"),
    ("history.csv", lambda path: path.write_text("\n".join(path.read_text().splitlines()[:-1]) + "\n"),
     "history.csv has 2 epochs, metrics.json says 3"),
    ("model.npz", cut(500), "model.npz: not a readable model file"),
    ("predictions.npz", cut(300), "predictions.npz: not a readable predictions file"),
    ("predictions.npz", lambda path: path.unlink(), "predictions.npz: no predictions file"),
])
def test_a_damaged_file_is_refused_by_name_with_what_to_do(job, tmp_path, name, damage, message):
    folder = damaged_copy(job, tmp_path, name, damage)
    with pytest.raises(DataFormatError, match="delete .*seed0 and rerun") as error:
        read_training_job(folder)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_metrics_that_disagree_with_the_history_are_refused(job, tmp_path):
    def other_accuracy(path):
        metrics = json.loads(path.read_text())
        path.write_text(json.dumps({**metrics, "final_valid_acc": metrics["final_valid_acc"] + 0.1}))

    folder = damaged_copy(job, tmp_path, "metrics.json", other_accuracy)
    with pytest.raises(DataFormatError, match="final valid accuracy .* is not the last epoch's in history.csv"):
        read_training_job(folder)


def test_every_damaged_job_is_named_in_one_line(job, tmp_path):
    first = damaged_copy(job, tmp_path / "a", "metrics.json", cut(10))
    second = damaged_copy(job, tmp_path / "b", "model.npz", cut(10))
    with pytest.raises(DataFormatError) as error:
        read_training_jobs([job, first, second])
    assert str(error.value).startswith(f"{first}/metrics.json") and f"also damaged: {second}" in str(error.value)
