"""Per-image predictions of a trained network: what paired comparisons of two models need.

Two models scored on the same images are compared image by image: which images each gets
right, not only how many. A training job therefore keeps its predicted class of every valid
and test image at two checkpoints, in ``predictions.npz`` beside its metrics:

- ``valid_final``, ``test_final``: the network after its last epoch;
- ``valid_best``, ``test_best``: at its best-valid-loss epoch (absent when it has none, as for
  a run that diverged in its first epoch).

Each is a vector of class indices, image i being image i of ``data/{valid,test}.npz`` (every
input variant keeps that order; the labels are there, stored once), in the smallest unsigned
integer type that holds the classes (uint8 up to 256): 33 KB a job for 2 x 8,161 images
at two checkpoints.
"""

import zipfile
from pathlib import Path

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.exceptions import DataFormatError
from leanmlp.nn.data_providers import BatchProvider
from leanmlp.nn.models import MLP

SPLITS = ("valid", "test")
CHECKPOINTS = ("final", "best")


def prediction_key(split: str, checkpoint: str) -> str:
    return f"{split}_{checkpoint}"


def class_dtype(n_classes: int) -> np.dtype:
    """The smallest unsigned integer type that holds class indices 0..n_classes-1."""
    return np.min_scalar_type(max(n_classes - 1, 0))


def predict_classes(model: MLP, inputs: np.ndarray, batch_size: int = 2000) -> np.ndarray:
    """The predicted class of every row of ``inputs`` in evaluation mode (dropout off)."""
    dtype = class_dtype(model.spec.n_classes)
    labels = np.zeros(len(inputs), dtype=dtype)  # the provider wants labels; these are not read
    return np.concatenate([model.logits(batch).argmax(axis=1).astype(dtype)
                           for batch, _ in BatchProvider(inputs, labels, batch_size)] or [labels])


def checkpoint_predictions(model: MLP, best_params: np.ndarray | None, split_inputs: dict[str, np.ndarray]) -> dict:
    """{'<split>_final': classes, '<split>_best': classes} of every split in ``split_inputs``;
    the model's own parameters are left as they were."""
    predictions = {prediction_key(split, "final"): predict_classes(model, inputs)
                   for split, inputs in split_inputs.items()}
    if best_params is not None:
        with model.parameters(best_params):
            predictions.update({prediction_key(split, "best"): predict_classes(model, inputs)
                                for split, inputs in split_inputs.items()})
    return predictions


def save_predictions(path: str | Path, predictions: dict[str, np.ndarray]) -> None:
    save_npz(path, **predictions)


def load_predictions(path: str | Path) -> dict[str, np.ndarray]:
    """A predictions file's arrays by key; a missing or damaged file is one error naming it."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            predictions = {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise DataFormatError(f"{path}: no predictions file (rerun its training job)") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise DataFormatError(f"{path}: not a readable predictions file ({e}); delete it and rerun its "
                             "training job") from None
    unknown = set(predictions) - {prediction_key(s, c) for s in SPLITS for c in CHECKPOINTS}
    if unknown or any(values.ndim != 1 or values.dtype.kind != "u" for values in predictions.values()):
        raise DataFormatError(f"{path}: not a predictions file (arrays {sorted(predictions)})")
    return predictions
