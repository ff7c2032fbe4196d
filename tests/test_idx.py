import gzip

import numpy as np
import pytest

from leanmlp.data.idx import IMAGES_MAGIC, LABELS_MAGIC, decompress_gzip, encode_idx, parse_idx
from leanmlp.exceptions import DataFormatError


def test_round_trip_keeps_shape_and_values():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    parsed = parse_idx(encode_idx(images), IMAGES_MAGIC)
    assert parsed.shape == (2, 3, 4) and parsed.dtype == np.uint8
    np.testing.assert_array_equal(parsed, images)


def test_wrong_magic_is_named():
    labels = encode_idx(np.zeros(5, np.uint8))
    with pytest.raises(DataFormatError, match="magic number is 0x00000801, expected 0x00000803"):
        parse_idx(labels, IMAGES_MAGIC, "x.gz")


@pytest.mark.parametrize("change, held", [(-1, 23), (+3, 27)])
def test_byte_count_disagreeing_with_header(change, held):
    data = encode_idx(np.zeros((2, 3, 4), np.uint8))
    data = data[:change] if change < 0 else data + b"\0" * change
    with pytest.raises(DataFormatError, match=rf"shape \(2, 3, 4\) \(24 data bytes\) but the file holds {held}"):
        parse_idx(data, IMAGES_MAGIC)


def test_header_cut_short():
    with pytest.raises(DataFormatError, match="declares 3 dimensions but the file ends first"):
        parse_idx(encode_idx(np.zeros((2, 3, 4), np.uint8))[:9], IMAGES_MAGIC)
    with pytest.raises(DataFormatError, match="too short for an idx header"):
        parse_idx(b"\0\0", LABELS_MAGIC)


def test_truncated_and_garbage_gzip():
    compressed = gzip.compress(encode_idx(np.arange(200, dtype=np.uint8)))
    with pytest.raises(DataFormatError, match="labels.gz: gzip stream is truncated"):
        decompress_gzip(compressed[: len(compressed) // 2], "labels.gz")
    with pytest.raises(DataFormatError, match="not a valid gzip stream"):
        decompress_gzip(b"this is not gzip at all", "labels.gz")
