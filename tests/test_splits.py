import numpy as np
import pytest

from leanmlp.data.labelled import LabelledImages
from leanmlp.data.splits import class_counts, pool, resolve_sizes, split_indices
from leanmlp.exceptions import ConfigError, DataFormatError
from leanmlp.seeding import stage_rng


def test_counts_and_fractions():
    assert resolve_sizes({"train": 100000, "valid": 15800, "test": 15800}, 131600) == {
        "train": 100000, "valid": 15800, "test": 15800}
    # Fractions summing to 1 use the whole pool; train takes the rounding remainder.
    assert resolve_sizes({"train": 0.7, "valid": 0.15, "test": 0.15}, 1797) == {
        "train": 1259, "valid": 269, "test": 269}
    assert resolve_sizes({"train": 0.5, "valid": 10, "test": 0.1}, 1000) == {
        "train": 500, "valid": 10, "test": 100}


def test_sizes_exceeding_the_pool():
    with pytest.raises(ConfigError, match=r"asks for 131600 images \(train 100000 \+ valid 15800 "
                                          r"\+ test 15800\) but the pooled parts hold only 116323"):
        resolve_sizes({"train": 100000, "valid": 15800, "test": 15800}, 116323)


@pytest.mark.parametrize("value, message", [(1.5, r"in \(0, 1\]"), (0, "at least 1"),
                                            ("10", "a count or a fraction"), (True, "a count")])
def test_size_values_out_of_range(value, message):
    with pytest.raises(ConfigError, match=message):
        resolve_sizes({"train": value, "valid": 1, "test": 1}, 100)


def test_a_split_rounding_to_nothing():
    with pytest.raises(ConfigError, match="empty split"):
        resolve_sizes({"train": 5, "valid": 0.01, "test": 5}, 50)


def test_split_is_disjoint_complete_and_seeded():
    counts = {"train": 70, "valid": 20, "test": 10}
    first = split_indices(100, counts, stage_rng(3, "split"))
    again = split_indices(100, counts, stage_rng(3, "split"))
    other = split_indices(100, counts, stage_rng(4, "split"))
    assert sorted(np.concatenate(list(first.values())).tolist()) == list(range(100))
    assert all(np.array_equal(first[k], again[k]) for k in counts)
    assert not np.array_equal(first["train"], other["train"])


def test_streams_differ_by_purpose():
    assert stage_rng(0, "split").integers(1 << 30) != stage_rng(0, "mlp").integers(1 << 30)


def test_pool_records_origin_and_rejects_mismatched_mappings():
    a = LabelledImages(np.zeros((3, 2, 2), np.uint8), np.array([0, 1, 1], np.uint8), ("x", "y"))
    b = LabelledImages(np.ones((2, 2, 2), np.uint8), np.array([1, 0], np.uint8), ("x", "y"))
    pooled, origin_part, origin_index = pool([a, b])
    assert origin_part.tolist() == [0, 0, 0, 1, 1] and origin_index.tolist() == [0, 1, 2, 0, 1]
    assert class_counts(pooled.labels, 2).tolist() == [2, 3]
    with pytest.raises(DataFormatError, match="differ in class mapping"):
        pool([a, LabelledImages(b.images, b.labels, ("x", "z"))])
