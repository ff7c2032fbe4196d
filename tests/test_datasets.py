import gzip
import zipfile

import numpy as np
import pytest
from conftest import make_emnist, write_folder, write_nist_zip

from leanmlp.data.checksums import verify_md5
from leanmlp.data.emnist import load_emnist_part, parse_mapping
from leanmlp.data.idx import encode_idx
from leanmlp.data.sources import check_data_config, load_digits, load_part
from leanmlp.exceptions import ChecksumError, ConfigError, DataFormatError


@pytest.mark.parametrize("container", ["folder", "zip"])
def test_images_come_out_upright_with_labels_and_characters(tmp_path, container):
    files, upright = make_emnist()
    source = (write_folder(tmp_path / "emnist", files) if container == "folder"
              else write_nist_zip(tmp_path / "gzip.zip", files))
    for part in ("train", "test"):
        data = load_emnist_part(source, "balanced", part)
        np.testing.assert_array_equal(data.images, upright[part][0])
        np.testing.assert_array_equal(data.labels, upright[part][1])
        assert data.images.flags.c_contiguous
    assert data.characters == ("Aa", "Bb", "Cc", "Dd", "Ee")


def test_letters_labels_starting_at_one_become_zero_based(tmp_path):
    files, upright = make_emnist(split="letters", parts=("train",), n_classes=26, first_label=1)
    data = load_emnist_part(write_folder(tmp_path, files), "letters", "train")
    np.testing.assert_array_equal(data.labels, upright["train"][1] - 1)
    assert data.labels.min() >= 0 and len(data.characters) == 26


def test_corrupt_zip(tmp_path):
    bad = tmp_path / "gzip.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(DataFormatError, match="not a valid zip archive"):
        load_emnist_part(bad, "balanced", "train")


def test_truncated_zip(tmp_path):
    files, _ = make_emnist()
    whole = write_nist_zip(tmp_path / "whole.zip", files).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataFormatError, match="not a valid zip archive"):
        load_emnist_part(cut, "balanced", "train")


def test_corrupt_member_in_zip(tmp_path):
    files, _ = make_emnist()
    path = write_nist_zip(tmp_path / "gzip.zip", files)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("gzip/emnist-balanced-train-images-idx3-ubyte.gz")
    start = info.header_offset + 30 + len(info.filename) + 100  # inside the member's data
    data[start:start + 50] = bytes(50)
    path.write_bytes(bytes(data))
    with pytest.raises(DataFormatError, match="emnist-balanced-train-images-idx3-ubyte.gz"):
        load_emnist_part(path, "balanced", "train")


def test_two_members_of_one_name_are_refused_not_picked(tmp_path):
    files, _ = make_emnist()
    path = write_nist_zip(tmp_path / "gzip.zip", files)
    name = "emnist-balanced-test-labels-idx1-ubyte.gz"
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(f"other/{name}", gzip.compress(encode_idx(np.zeros(10, np.uint8))))
    with pytest.raises(DataFormatError, match=rf"2 members are named {name} \(gzip/{name}, other/{name}\); "
                                               "keep one and rezip"):
        load_emnist_part(path, "balanced", "test")
    load_emnist_part(path, "balanced", "train")  # the unambiguous part still loads


def test_missing_member_and_missing_file(tmp_path):
    files, _ = make_emnist(parts=("train",))
    zip_path = write_nist_zip(tmp_path / "gzip.zip", files)
    with pytest.raises(DataFormatError, match="no member emnist-balanced-test-images"):
        load_emnist_part(zip_path, "balanced", "test")
    folder = write_folder(tmp_path / "folder", files)
    with pytest.raises(DataFormatError, match="missing emnist-balanced-test-images"):
        load_emnist_part(folder, "balanced", "test")
    with pytest.raises(DataFormatError, match="no such zip file or directory"):
        load_emnist_part(tmp_path / "nowhere", "balanced", "test")


def test_label_outside_the_mapping_is_named(tmp_path):
    files, _ = make_emnist(parts=("train",), n_classes=5)
    labels = np.zeros(60, np.uint8)
    labels[7] = 9
    files["emnist-balanced-train-labels-idx1-ubyte.gz"] = gzip.compress(encode_idx(labels))
    with pytest.raises(DataFormatError, match=r"labels \[9\] are not in emnist-balanced-mapping.txt"):
        load_emnist_part(write_folder(tmp_path, files), "balanced", "train")


@pytest.mark.parametrize("shape", [(28, 29), (1, 1)])
def test_images_that_are_not_28_by_28_are_not_emnist(tmp_path, shape):
    files, _ = make_emnist(parts=("train",))
    files["emnist-balanced-train-images-idx3-ubyte.gz"] = gzip.compress(encode_idx(np.zeros((60, *shape), np.uint8)))
    with pytest.raises(DataFormatError, match=rf"images of shape \({shape[0]}, {shape[1]}\), but every EMNIST image "
                                              r"is 28x28 pixels"):
        load_emnist_part(write_folder(tmp_path, files), "balanced", "train")


def test_image_and_label_counts_must_agree(tmp_path):
    files, _ = make_emnist(parts=("train",))
    files["emnist-balanced-train-labels-idx1-ubyte.gz"] = gzip.compress(
        encode_idx(np.zeros(59, np.uint8)))
    with pytest.raises(DataFormatError, match="60 images but 59 labels"):
        load_emnist_part(write_folder(tmp_path, files), "balanced", "train")


def test_unknown_split_and_parts():
    with pytest.raises(ConfigError, match="unknown EMNIST split 'balance'"):
        check_data_config("data/", "balance", ["train"])
    with pytest.raises(ConfigError, match=r"data.parts \['all'\] not available"):
        check_data_config("data/", "balanced", ["all"])
    with pytest.raises(ConfigError, match=r"data.parts \['train'\] not available"):
        check_data_config("sklearn:digits", "digits", ["train"])
    with pytest.raises(ConfigError, match="download it first"):
        load_part("https://example.org/gzip.zip", "balanced", "train")


def test_mapping_errors():
    labels, characters = parse_mapping("1 65 97\n0 48\n")
    assert labels.tolist() == [0, 1] and characters == ("0", "Aa")
    with pytest.raises(DataFormatError, match="line 2: cannot parse"):
        parse_mapping("0 48\n1 x\n", "m.txt")
    with pytest.raises(DataFormatError, match="a label appears twice"):
        parse_mapping("0 48\n0 49\n")


def test_digits_source():
    data = load_part("sklearn:digits", "digits", "all")
    assert data.images.shape == (1797, 8, 8) and data.images.dtype == np.uint8
    assert data.images.max() == 255 and data.characters == tuple("0123456789")
    np.testing.assert_array_equal(load_digits().labels, data.labels)


def test_md5_mismatch(tmp_path):
    path = tmp_path / "f.zip"
    path.write_bytes(b"abc")
    verify_md5(path, "900150983cd24fb0d6963f7d28e17f72")
    with pytest.raises(ChecksumError, match="md5 is 900150983cd24fb0d6963f7d28e17f72, expected 0+"):
        verify_md5(path, "0" * 32)


def test_a_plain_http_source_needs_a_checksum():
    import yaml
    from conftest import REPO

    from leanmlp.study.configuration import check_config

    config = yaml.safe_load((REPO / "config/demo.yaml").read_text())
    config["data"].update(source="http://127.0.0.1:9/gzip.zip", md5=None, split="balanced", parts=["train"])
    with pytest.raises(ConfigError, match="is plain http:// and data.md5 is not set: nothing would check"):
        check_config(config)
    config["data"]["md5"] = "0" * 32
    check_config(config)  # with a checksum, what arrives is checked
