import os

import numpy as np
import pytest

from leanmlp.atomic import atomic_path, save_npz


def test_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "out.npz"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_completed_write_is_in_place_and_readable_by_others(tmp_path):
    target = tmp_path / "sub" / "out.npz"
    save_npz(target, a=np.arange(3))
    assert [p.name for p in target.parent.iterdir()] == ["out.npz"]
    assert np.load(target)["a"].tolist() == [0, 1, 2]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
