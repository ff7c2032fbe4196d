"""A training job's four files read back and checked against each other before anything is built
from them: a file cut short, damaged or out of step with the others is refused naming it, with
what to do, never read as it is."""

import csv
import json
import math
from pathlib import Path

from leanmlp.deploy.model_io import open_npz
from leanmlp.exceptions import DataFormatError
from leanmlp.nn.predictions import load_predictions
from leanmlp.nn.training import HISTORY_COLUMNS

REQUIRED_METRICS = ("setting", "run", "seed", "hyperparameters", "epochs_run", "final_valid_acc", "diverged")


def redo(folder: Path) -> str:
    return f"delete {folder} and rerun: the workflow trains that job again"


def read_metrics(path: Path) -> dict:
    try:
        metrics = json.loads(path.read_text())
    except FileNotFoundError:
        raise DataFormatError(f"{path}: missing; {redo(path.parent)}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DataFormatError(f"{path}: not JSON ({e}; cut short?); {redo(path.parent)}") from None
    missing = [key for key in REQUIRED_METRICS if not isinstance(metrics, dict) or key not in metrics]
    if missing:
        raise DataFormatError(f"{path}: no {', '.join(missing)}; {redo(path.parent)}")
    return metrics


def read_history(path: Path) -> list[dict]:
    """The rows of a history.csv, every field of every row present (a row cut short is refused)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise DataFormatError(f"{path}: missing; {redo(path.parent)}") from None
    if not text.endswith("\n"):  # every row the stage writes ends its line: this one was cut
        raise DataFormatError(f"{path}: cut short (its last line has no end); {redo(path.parent)}")
    rows = list(csv.reader(text.splitlines()))
    if not rows or tuple(rows[0]) != HISTORY_COLUMNS:
        raise DataFormatError(f"{path}: its header is not {','.join(HISTORY_COLUMNS)}; {redo(path.parent)}")
    history = []
    for number, row in enumerate(rows[1:], start=2):
        try:
            if len(row) != len(HISTORY_COLUMNS):
                raise ValueError(f"{len(row)} fields of {len(HISTORY_COLUMNS)}")
            history.append({column: float(value) if value else math.nan
                            for column, value in zip(HISTORY_COLUMNS, row, strict=True)})
        except ValueError as e:
            raise DataFormatError(f"{path}: line {number} is not a whole row ({e}); {redo(path.parent)}") from None
    return history


def check_model_file(path: Path) -> None:
    """Every array of the model file reads whole (a cut or damaged member fails its CRC)."""
    with open_npz(path, "model file") as f:
        for name in f.files:
            f[name]


def read_training_job(folder: str | Path) -> dict:
    """A finished training job's metrics, once its history, predictions and model file are whole
    and agree with them (epochs run, final valid accuracy)."""
    folder = Path(folder)
    metrics = read_metrics(folder / "metrics.json")
    history = read_history(folder / "history.csv")
    if len(history) != metrics["epochs_run"]:
        raise DataFormatError(f"{folder}: history.csv has {len(history)} epochs, metrics.json says "
                              f"{metrics['epochs_run']}; {redo(folder)}")
    last = history[-1]["valid_acc"] if history else math.nan
    if history and not (math.isclose(last, metrics["final_valid_acc"], rel_tol=1e-9)
                        or math.isnan(last) and math.isnan(metrics["final_valid_acc"])):
        raise DataFormatError(f"{folder}: metrics.json's final valid accuracy {metrics['final_valid_acc']} is not "
                              f"the last epoch's in history.csv ({last}); {redo(folder)}")
    try:
        load_predictions(folder / "predictions.npz")
        check_model_file(folder / "model.npz")
    except DataFormatError as e:
        raise DataFormatError(f"{e}; {redo(folder)}") from None
    return metrics


def read_training_jobs(folders: list[str | Path]) -> list[dict]:
    """``read_training_job`` of every folder; every damaged job is named in one error."""
    metrics, damaged = [], {}
    for folder in folders:
        try:
            metrics.append(read_training_job(folder))
        except DataFormatError as e:
            damaged[str(folder)] = str(e)
    if damaged:
        first, *others = damaged.items()
        also = f" (also damaged: {', '.join(folder for folder, _ in others)})" if others else ""
        raise DataFormatError(first[1] + also)
    return metrics
