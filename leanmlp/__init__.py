"""leanmlp: a pure-numpy MLP with PCA and training-sample pruning, as in the EMNIST Balanced paper.

The package holds the reusable logic only: no Snakemake imports, no printing. Stage scripts in
``scripts/`` own the I/O, logging and the ``snakemake`` object.
"""

__version__ = "0.1.0"


def __getattr__(name):
    # the estimator imports scikit-learn: only on demand, so the stage scripts do not pay for it
    if name == "MLPClassifier":
        from leanmlp.deploy.estimator import MLPClassifier

        return MLPClassifier
    raise AttributeError(f"module 'leanmlp' has no attribute {name!r}")
