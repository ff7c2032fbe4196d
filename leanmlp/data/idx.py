"""The idx file format of MNIST and EMNIST, with header validation.

An idx file is a 4-byte magic number ``00 00 <type> <ndim>``, then ``ndim`` big-endian
uint32 dimensions, then the array in C order. NIST ships them gzip-compressed.
"""

import gzip
import struct
import zlib

import numpy as np

from leanmlp.exceptions import DataFormatError

IMAGES_MAGIC = 0x00000803  # uint8, 3 dimensions
LABELS_MAGIC = 0x00000801  # uint8, 1 dimension


def parse_idx(buffer: bytes, expected_magic: int, name: str = "idx data") -> np.ndarray:
    """Parse a decompressed idx buffer into an array, checking magic number and byte count.

    Parameters
    ----------
    buffer : bytes
    expected_magic : int
        ``IMAGES_MAGIC`` or ``LABELS_MAGIC`` (both uint8); any other magic number is an error.
    name : str
        What to call the data in error messages (usually the file name).

    Returns
    -------
    numpy.ndarray of uint8, shape given by the header (a read-only view of ``buffer``).
    """
    if len(buffer) < 4:
        raise DataFormatError(f"{name}: {len(buffer)} bytes is too short for an idx header")
    (magic,) = struct.unpack(">I", buffer[:4])
    if magic != expected_magic:
        raise DataFormatError(
            f"{name}: idx magic number is 0x{magic:08X}, expected 0x{expected_magic:08X}"
        )
    ndim = buffer[3]
    header_size = 4 + 4 * ndim
    if len(buffer) < header_size:
        raise DataFormatError(f"{name}: header declares {ndim} dimensions but the file ends first")
    dims = struct.unpack(f">{ndim}I", buffer[4:header_size])
    expected_bytes = int(np.prod(dims, dtype=np.int64))
    actual_bytes = len(buffer) - header_size
    if actual_bytes != expected_bytes:
        raise DataFormatError(
            f"{name}: header says shape {dims} ({expected_bytes} data bytes) "
            f"but the file holds {actual_bytes} data bytes"
        )
    return np.frombuffer(buffer, dtype=np.uint8, offset=header_size).reshape(dims)


def decompress_gzip(data: bytes, name: str = "gzip data") -> bytes:
    """Decompress a whole gzip stream, turning truncation and corruption into DataFormatError."""
    try:
        return gzip.decompress(data)
    except EOFError as e:
        raise DataFormatError(f"{name}: gzip stream is truncated ({e})") from e
    except (gzip.BadGzipFile, zlib.error) as e:
        raise DataFormatError(f"{name}: not a valid gzip stream ({e})") from e


def encode_idx(array: np.ndarray) -> bytes:
    """Encode a uint8 array as idx bytes (the inverse of ``parse_idx``)."""
    array = np.ascontiguousarray(array)
    if array.dtype != np.uint8:
        raise ValueError(f"encode_idx writes uint8 only, got {array.dtype}")
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + array.tobytes()
