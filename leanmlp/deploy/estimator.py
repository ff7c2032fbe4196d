"""The paper's network as a scikit-learn classifier, for ``Pipeline``, ``GridSearchCV`` and the like.

    from sklearn.decomposition import PCA
    from sklearn.pipeline import Pipeline
    from leanmlp import MLPClassifier

    model = Pipeline([("pca", PCA(78)), ("mlp", MLPClassifier(dropout_keep=0.75, l1=1e-5))])

It trains through the pipeline's own loop (``leanmlp.nn.fitting.fit_network``), so for the same
hyperparameters, data and integer ``random_state`` it gives the pipeline's network bit for bit,
and ``save`` writes the model file that ``python -m leanmlp predict`` reads.
"""

import warnings
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from leanmlp.deploy.model_io import Predictor, save_model
from leanmlp.exceptions import DataFormatError
from leanmlp.nn.fitting import fit_network, split_hyperparameters
from leanmlp.nn.hyperparameters import DEFAULTS
from leanmlp.provenance import provenance


class MLPClassifier(ClassifierMixin, BaseEstimator):
    """A multi-layer perceptron in pure numpy with the paper's regularisers: dropout, L1, L2.

    hidden_layer_sizes : units per hidden layer
    activation : "relu", "sigmoid" or "tanh"
    dropout_keep : keep probability of (inverted) dropout, or None for no dropout
    dropout_after : the 1-based hidden layers whose outputs get dropout; None (the default):
        every hidden layer, whatever the depth (the paper's 3x128 drops after layers 1 and 2
        only: pass (1, 2) for it)
    l1, l2 : weight penalty coefficients, l1 * sum|w| or l2 / 2 * sum w**2 (one of them at most)
    solver : "sgd", "momentum" or "adam"
    learning_rate_init, momentum : the optimizer's step size and (for "momentum") its momentum
    batch_size : samples per mini-batch (capped at the number of samples)
    max_iter : epochs, every one a pass over the shuffled training set
    random_state : an int gives exactly the pipeline's run of that seed; None or a
        RandomState draws a seed from it

    Fitted attributes: ``classes_``, ``n_features_in_``, ``n_iter_`` (epochs run),
    ``loss_curve_`` (each epoch's running training loss, penalty included), ``diverged_``,
    ``network_`` (the ``leanmlp.nn.models.MLP``). Inputs become float32, as everywhere in leanmlp.
    """

    def __init__(self, hidden_layer_sizes=DEFAULTS["hidden"], activation=DEFAULTS["activation"],
                 dropout_keep=DEFAULTS["dropout_keep"], dropout_after=None, l1=DEFAULTS["l1"], l2=DEFAULTS["l2"],
                 solver=DEFAULTS["optimizer"], learning_rate_init=DEFAULTS["learning_rate"],
                 momentum=DEFAULTS["momentum"], batch_size=DEFAULTS["batch_size"], max_iter=DEFAULTS["epochs"],
                 random_state=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout_keep = dropout_keep
        self.dropout_after = dropout_after
        self.l1 = l1
        self.l2 = l2
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.random_state = random_state

    def hyperparameters(self, n_samples: int) -> dict:
        """The constructor's values as the pipeline's experiments file names them."""
        hidden = self.hidden_layer_sizes
        hidden = [int(hidden)] if np.isscalar(hidden) else [int(units) for units in hidden]
        if int(self.batch_size) > n_samples:
            warnings.warn(f"batch_size {self.batch_size} is above the {n_samples} samples: each epoch is one batch "
                          f"of all of them (batch_size {n_samples})", UserWarning, stacklevel=3)
        dropout_after = range(1, len(hidden) + 1) if self.dropout_after is None else self.dropout_after
        values = {"hidden": hidden, "activation": self.activation, "dropout_keep": self.dropout_keep,
                  "dropout_after": [int(layer) for layer in dropout_after],
                  "l1": float(self.l1), "l2": float(self.l2),
                  "optimizer": self.solver, "learning_rate": float(self.learning_rate_init),
                  "batch_size": min(int(self.batch_size), n_samples), "epochs": int(self.max_iter)}
        if self.solver == "momentum":
            values["momentum"] = float(self.momentum)
        return values

    def fit(self, X: np.ndarray, y: np.ndarray) -> "MLPClassifier":
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"MLPClassifier needs samples of at least 2 classes; got 1 class ({self.classes_[0]!r})")
        self.hyperparameters_ = self.hyperparameters(len(y))
        spec, settings = split_hyperparameters(self.hyperparameters_, X.shape[1], len(self.classes_))
        seed = (self.random_state if isinstance(self.random_state, (int, np.integer))
                else check_random_state(self.random_state).randint(2**31))
        self.network_, result = fit_network(spec, settings, (X, encoded.astype(np.intp)), None, int(seed))
        self.loss_curve_ = [record["train_running_loss"] for record in result.history]
        self.n_iter_ = len(result.history)
        self.diverged_ = result.diverged
        if result.diverged:
            warnings.warn(f"training diverged: {result.diverged_reason}", ConvergenceWarning, stacklevel=2)
        return self

    def _logits(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float32, reset=False)
        return self.network_.batched_logits(X)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        logits = self._logits(X)
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        return logits

    def predict(self, X: np.ndarray) -> np.ndarray:
        indices = self._logits(X).argmax(axis=1)
        return self.classes_[indices]

    def save(self, path: str | Path) -> None:
        """Write the model file ``python -m leanmlp predict`` reads. That command feeds the network
        uint8 pixels scaled by 1/255, so a model fitted on such pixels classifies images there."""
        check_is_fitted(self)
        classes = np.asarray(self.classes_)
        save_model(path, self.network_, [str(label) for label in classes], self.hyperparameters_,
                   provenance=provenance(), classes=classes.astype(str) if classes.dtype == object else classes)

    @classmethod
    def load(cls, path: str | Path) -> "MLPClassifier":
        """A fitted estimator from a model file written by ``save`` or by the pipeline's training
        stage; a pipeline model predicts class indices 0..n-1 (its characters in ``characters_``).
        A PCA-input model is refused: the estimator takes the network's own inputs."""
        predictor = Predictor(path)
        if predictor.pca is not None:
            raise DataFormatError(f"{path} holds a PCA-input model: the estimator takes the network's inputs; "
                                  "classify its images with `python -m leanmlp predict` or "
                                  "leanmlp.deploy.model_io.Predictor")
        spec, hyperparameters = predictor.spec, predictor.hyperparameters
        estimator = cls(hidden_layer_sizes=tuple(spec.hidden), activation=spec.activation,
                        dropout_keep=spec.dropout_keep, dropout_after=tuple(spec.dropout_after), l1=spec.l1,
                        l2=spec.l2, solver=hyperparameters.get("optimizer", "adam"),
                        learning_rate_init=hyperparameters.get("learning_rate", 1e-3),
                        momentum=hyperparameters.get("momentum", 0.9),
                        batch_size=hyperparameters.get("batch_size", 100),
                        max_iter=hyperparameters.get("epochs", 100))
        estimator.network_, estimator.hyperparameters_ = predictor.model, hyperparameters
        estimator.characters_ = predictor.characters
        estimator.classes_ = predictor.classes
        estimator.n_features_in_ = spec.n_inputs
        estimator.n_iter_, estimator.loss_curve_, estimator.diverged_ = None, None, False
        return estimator
