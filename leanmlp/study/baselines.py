"""The paper's non-neural baselines (table 2), built from short names.

rf<N>: random forest of N trees; tree: one decision tree; logreg_ovr: one-vs-rest logistic
regression; svm: RBF support vector machine; knn: 5 nearest neighbours. A "pca_" prefix
trains on the PCA features instead of the pixels.
"""

import re
from typing import TYPE_CHECKING

import numpy as np

from leanmlp.exceptions import ConfigError
from leanmlp.seeding import stage_rng

if TYPE_CHECKING:  # scikit-learn loads only when a baseline is made
    from sklearn.base import BaseEstimator

BASELINE_NAME = re.compile(r"(pca_)?(rf(\d+)|tree|logreg_ovr|svm|knn)")

SLOW_BASELINES = ("svm", "knn")  # the paper dropped these as too slow


def baseline_input(name: str) -> str:
    """'pca' for a pca_ model, else 'raw'."""
    return "pca" if name.startswith("pca_") else "raw"


def training_subsample(n_images: int, train_size: int | None, seed: int) -> tuple[np.ndarray | None, str | None]:
    """(the sorted rows a baseline fits on, or None for all of them; a note for the log, or
    None). A ``baselines.train_size`` above the training set fits on all of it, and says so."""
    if not train_size or train_size == n_images:
        return None, None
    if train_size > n_images:
        return None, (f"baselines.train_size is {train_size}, but the training set has {n_images} images: "
                      f"fitting on all {n_images}")
    return np.sort(stage_rng(seed, "baseline-subsample").permutation(n_images)[:train_size]), None


def check_baseline_name(name: str) -> None:
    match = BASELINE_NAME.fullmatch(name)
    if not match:
        raise ConfigError(f"unknown baseline {name!r}: use rf<N>, tree, logreg_ovr, svm, knn, "
                          f"optionally prefixed by pca_")
    if match.group(3) is not None and int(match.group(3)) < 1:
        raise ConfigError(f"baseline {name!r}: a random forest needs at least 1 tree (rf<N> with N >= 1)")


def make_baseline(name: str, seed: int, threads: int) -> "BaseEstimator":
    """An unfitted scikit-learn estimator for a baseline name."""
    # imported here: scikit-learn takes 2 s to import, and the workflow imports this
    # module at parse time in every (cluster) job
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    check_baseline_name(name)
    model = name.removeprefix("pca_")
    if match := re.fullmatch(r"rf(\d+)", model):
        return RandomForestClassifier(n_estimators=int(match[1]), n_jobs=threads, random_state=seed)
    if model == "tree":
        return DecisionTreeClassifier(random_state=seed)
    if model == "logreg_ovr":
        return OneVsRestClassifier(LogisticRegression(max_iter=200), n_jobs=threads)
    if model == "svm":
        return SVC(kernel="rbf", random_state=seed)
    if model == "knn":
        return KNeighborsClassifier(n_neighbors=5, n_jobs=threads)


def describe(name: str) -> str:
    """The label table 2 uses."""
    model = name.removeprefix("pca_")
    text = (f"RandomForest {model[2:]} trees" if model.startswith("rf") else
            {"tree": "DecisionTree", "logreg_ovr": "OneVsRest LogisticRegression",
             "svm": "SVM (RBF)", "knn": "KNN (k=5)"}[model])
    return f"PCA + {text}" if name.startswith("pca_") else text
