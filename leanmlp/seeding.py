"""One config seed, an independent random stream per named use."""

import zlib

import numpy as np


def stage_rng(seed: int, purpose: str) -> np.random.Generator:
    """A ``numpy.random.Generator`` for ``purpose`` (e.g. "split"), derived from the config seed.

    Keying by purpose keeps streams independent: adding a random draw to one stage never
    shifts the numbers another stage sees.
    """
    return np.random.default_rng([int(seed), zlib.crc32(purpose.encode())])
