"""Checksums of downloaded and local archives."""

import hashlib
from pathlib import Path

from leanmlp.exceptions import ChecksumError


def md5_of_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def verify_md5(path: str | Path, expected: str) -> None:
    actual = md5_of_file(path)
    if actual != expected.lower():
        raise ChecksumError(f"{path}: md5 is {actual}, expected {expected}")

