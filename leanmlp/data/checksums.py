"""Checksums of downloaded and local archives."""

import hashlib

from leanmlp.exceptions import ChecksumError


def md5_of_file(path, chunk_size=1 << 20):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def verify_md5(path, expected):
    actual = md5_of_file(path)
    if actual != expected.lower():
        raise ChecksumError(f"{path}: md5 is {actual}, expected {expected}")

