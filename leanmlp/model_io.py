"""A trained model in one .npz: weights, architecture, hyperparameters, class mapping and,
for a PCA-input model, the PCA transform, so prediction needs no other file."""

import json

import numpy as np

from .atomic import save_npz
from .data_providers import scale_pixels
from .exceptions import DataFormatError
from .models import MLP, MLPSpec
from .pca import PCA


def save_model(path, model, characters, hyperparameters, best_params=None, pca=None, provenance=None):
    """Save ``model``'s final parameters and, if given, its best-validation ones and the
    provenance record of the code that trained it."""
    arrays = {"params": model.params,
              "characters": np.array(characters),
              "spec": np.array(json.dumps(model.spec.to_dict())),
              "hyperparameters": np.array(json.dumps(hyperparameters)),
              "provenance": np.array(json.dumps(provenance))}
    if best_params is not None:
        arrays["best_valid_params"] = best_params
    if pca is not None:
        arrays.update(pca.to_arrays())
    save_npz(path, **arrays)


class Predictor:
    """A loaded model: ``predict(images)`` maps raw uint8 images (any shape per image) to labels.

    which : "final" (parameters after the last epoch) or "best_valid" (lowest validation loss)
    """

    def __init__(self, path, which="final"):
        with np.load(path) as f:
            self.spec = MLPSpec(**json.loads(str(f["spec"])))
            self.hyperparameters = json.loads(str(f["hyperparameters"]))
            self.provenance = json.loads(str(f["provenance"])) if "provenance" in f else None
            self.characters = tuple(str(c) for c in f["characters"])
            self.model = MLP(self.spec, np.random.default_rng(0))
            key = {"final": "params", "best_valid": "best_valid_params"}[which]
            if key not in f:
                raise DataFormatError(f"{path} holds no {which} parameters")
            self.model.params[:] = f[key]
            self.pca = PCA.from_arrays(f)

    def features(self, images):
        """uint8 pixels -> the float32 inputs the network was trained on."""
        inputs = scale_pixels(images)
        return self.pca.transform(inputs) if self.pca is not None else inputs

    def predict(self, images, batch_size=2000):
        features = self.features(images)
        if features.shape[1] != self.spec.n_inputs:
            raise DataFormatError(f"the model takes {self.spec.n_inputs} inputs, the images give "
                                  f"{features.shape[1]}")
        return np.concatenate([self.model.predict(features[i:i + batch_size])
                               for i in range(0, len(features), batch_size)])
