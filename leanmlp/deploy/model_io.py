"""A trained model in one .npz: weights, architecture, hyperparameters, class mapping and,
for a PCA-input model, the PCA transform, so prediction needs no other file."""

import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from leanmlp.atomic import save_npz
from leanmlp.exceptions import DataFormatError, LeanMLPError
from leanmlp.mining.pca import PCA
from leanmlp.nn.data_providers import scale_pixels
from leanmlp.nn.models import MLP, MLPSpec

PREDICT_BATCH = 2000  # images a prediction evaluates at once: fast, and a bounded working set


def save_model(path: str | Path, model: MLP, characters: tuple[str, ...], hyperparameters: dict,
               best_params: np.ndarray | None = None, pca: PCA | None = None, provenance: dict | None = None,
               classes: np.ndarray | None = None) -> None:
    """Save ``model``'s final parameters and, if given, its best-validation ones, the
    provenance record of the code that trained it and the labels its outputs stand for
    (``classes``, as the estimator keeps them; the pipeline's are the indices 0..n-1)."""
    arrays = {"params": model.params,
              "characters": np.array(characters),
              "spec": np.array(json.dumps(model.spec.to_dict())),
              "hyperparameters": np.array(json.dumps(hyperparameters)),
              "provenance": np.array(json.dumps(provenance))}
    if best_params is not None:
        arrays["best_valid_params"] = best_params
    if pca is not None:
        arrays.update(pca.to_arrays())
    if classes is not None:
        arrays["classes"] = classes
    save_npz(path, **arrays)


@contextmanager
def open_npz(path: str | Path, what: str) -> Iterator[np.lib.npyio.NpzFile]:
    """An open .npz whose every read failure (missing, truncated, bit-flipped, not an npz at
    all) becomes one DataFormatError naming the file and the problem."""
    try:
        with np.load(path, allow_pickle=False) as f:
            yield f
    except LeanMLPError:
        raise
    except FileNotFoundError:
        raise DataFormatError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise DataFormatError(f"{path}: not a readable {what} (damaged or truncated npz: {e})") from None
    except (ValueError, TypeError):  # np.load's answer to a file that is not an npz at all
        raise DataFormatError(f"{path}: not a {what}: not an .npz archive written by numpy") from None
    except KeyError as e:
        raise DataFormatError(f"{path}: not a {what}: it has no {e} array") from None
    except MemoryError as e:
        raise DataFormatError(f"{path}: an array's header asks for more memory than this machine has ({e}): "
                              f"a damaged {what}?") from None
    except OSError as e:
        raise DataFormatError(f"{path}: cannot read it ({e})") from None


def read_json(path: str | Path, name: str, array: np.ndarray) -> dict:
    try:
        return json.loads(str(array))
    except json.JSONDecodeError as e:
        raise DataFormatError(f"{path}: its '{name}' is not JSON ({e})") from None


def read_spec(path: str | Path, array: np.ndarray) -> MLPSpec:
    """The ``MLPSpec`` a model file records, or one error naming the file and the problem."""
    fields = read_json(path, "spec", array)
    if not isinstance(fields, dict):
        raise DataFormatError(f"{path}: its spec is not a mapping of architecture fields")
    known = set(MLPSpec.__dataclass_fields__)
    unknown = sorted(set(fields) - known)
    if unknown:
        raise DataFormatError(f"{path}: its spec has unknown fields {unknown}; known: {', '.join(sorted(known))}")
    try:
        return MLPSpec(**fields)
    except (TypeError, LeanMLPError) as e:
        raise DataFormatError(f"{path}: its spec is not a valid architecture ({e})") from None


class Predictor:
    """A loaded model: ``predict(images)`` maps raw uint8 images (any shape per image) to labels.

    which : "final" (parameters after the last epoch) or "best_valid" (lowest validation loss)
    """

    def __init__(self, path, which="final"):
        key = {"final": "params", "best_valid": "best_valid_params"}[which]
        with open_npz(path, "model file") as f:
            for required in ("spec", "hyperparameters", "characters", "params"):
                if required not in f:
                    raise DataFormatError(f"{path}: not a model file: it has no '{required}' array "
                                          f"(it has {', '.join(f.files) or 'nothing'})")
            self.spec = read_spec(path, f["spec"])
            self.hyperparameters = read_json(path, "hyperparameters", f["hyperparameters"])
            self.provenance = read_json(path, "provenance", f["provenance"]) if "provenance" in f else None
            self.characters = tuple(str(c) for c in f["characters"])
            if len(self.characters) != self.spec.n_classes:
                raise DataFormatError(f"{path}: {len(self.characters)} characters for the model's "
                                      f"{self.spec.n_classes} classes")
            self.classes = f["classes"] if "classes" in f else np.arange(self.spec.n_classes)
            self.model = MLP(self.spec, np.random.default_rng(0))
            if key not in f:
                raise DataFormatError(f"{path} holds no {which} parameters")
            params = f[key]
            if params.shape != self.model.params.shape:
                raise DataFormatError(f"{path}: its {which} parameters have shape {params.shape}; "
                                      f"its spec needs {self.model.params.size} in one flat array")
            if not np.isfinite(params).all():
                raise DataFormatError(f"{path}: its {which} parameters hold NaN or infinite values "
                                      "(a run that diverged?); it would predict one class for everything")
            self.model.params[:] = params
            self.pca = PCA.from_arrays(f)

    def features(self, images: np.ndarray) -> np.ndarray:
        """uint8 pixels -> the float32 inputs the network was trained on."""
        inputs = scale_pixels(images)
        if self.pca is not None and inputs.shape[1] != len(self.pca.mean):
            raise DataFormatError(f"the model reads {len(self.pca.mean)} pixels per image through its PCA, "
                                  f"the images have {inputs.shape[1]}")
        return self.pca.transform(inputs) if self.pca is not None else inputs

    def predict(self, images: np.ndarray, batch_size: int = PREDICT_BATCH) -> np.ndarray:
        features = self.features(images)
        if features.shape[1] != self.spec.n_inputs:
            raise DataFormatError(f"the model takes {self.spec.n_inputs} inputs, the images give "
                                  f"{features.shape[1]}")
        return self.model.batched_logits(features, batch_size).argmax(axis=1)
