"""Atomic file writes: a reader (or Snakemake) never sees a half-written output.

Each writer writes to a temporary file in the destination's folder and renames it into
place only once the content is complete; on any error the temporary file is removed.
"""

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    # mkstemp makes the file private (0600); give it the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def save_npz(path: str | Path, **arrays: np.ndarray) -> None:
    """Save arrays uncompressed (the paper's "numpy array format"), atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        # A file object stops numpy from appending its own ".npz" to the temporary name.
        np.savez(f, **arrays)


def write_text(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def write_json(path: str | Path, obj: object) -> None:
    write_text(path, json.dumps(obj, indent=2, sort_keys=False) + "\n")


def save_figure(path: str | Path, figure: object, **savefig_options: object) -> None:
    """Save a matplotlib figure atomically, in the format its file name says."""
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        figure.savefig(tmp, format=Path(path).suffix.lstrip("."), dpi=120, **savefig_options)
    plt.close(figure)
