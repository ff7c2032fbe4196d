"""A trained model in one .npz: weights, architecture, hyperparameters, class mapping and,
for a PCA-input model, the PCA transform, so prediction needs no other file."""

import json
import zipfile
import zlib
from contextlib import contextmanager

import numpy as np

from .atomic import save_npz
from .data_providers import scale_pixels
from .exceptions import DataFormatError, LeanMLPError
from .models import MLP, MLPSpec
from .pca import PCA


def save_model(path, model, characters, hyperparameters, best_params=None, pca=None, provenance=None,
               classes=None):
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
def open_npz(path, what):
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
    except OSError as e:
        raise DataFormatError(f"{path}: cannot read it ({e})") from None


class Predictor:
    """A loaded model: ``predict(images)`` maps raw uint8 images (any shape per image) to labels.

    which : "final" (parameters after the last epoch) or "best_valid" (lowest validation loss)
    """

    def __init__(self, path, which="final"):
        with open_npz(path, "model file") as f:
            self.spec = MLPSpec(**json.loads(str(f["spec"])))
            self.hyperparameters = json.loads(str(f["hyperparameters"]))
            self.provenance = json.loads(str(f["provenance"])) if "provenance" in f else None
            self.characters = tuple(str(c) for c in f["characters"])
            self.classes = f["classes"] if "classes" in f else np.arange(self.spec.n_classes)
            self.model = MLP(self.spec, np.random.default_rng(0))
            key = {"final": "params", "best_valid": "best_valid_params"}[which]
            if key not in f:
                raise DataFormatError(f"{path} holds no {which} parameters")
            self.model.params[:] = f[key]
            self.pca = PCA.from_arrays(f)

    def features(self, images):
        """uint8 pixels -> the float32 inputs the network was trained on."""
        inputs = scale_pixels(images)
        if self.pca is not None and inputs.shape[1] != len(self.pca.mean):
            raise DataFormatError(f"the model reads {len(self.pca.mean)} pixels per image through its PCA, "
                                  f"the images have {inputs.shape[1]}")
        return self.pca.transform(inputs) if self.pca is not None else inputs

    def predict(self, images, batch_size=2000):
        features = self.features(images)
        if features.shape[1] != self.spec.n_inputs:
            raise DataFormatError(f"the model takes {self.spec.n_inputs} inputs, the images give "
                                  f"{features.shape[1]}")
        return np.concatenate([self.model.predict(features[i:i + batch_size])
                               for i in range(0, len(features), batch_size)])
