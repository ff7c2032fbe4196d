"""Data sources: EMNIST in NIST's layout (zip or folder of idx .gz files) and scikit-learn's digits.

Every source yields the same thing, a ``LabelledImages``: upright uint8 images, labels
0..K-1 and the character of each class, so the rest of the pipeline never knows which
source it came from.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from .atomic import save_npz
from .exceptions import ChecksumError, ConfigError, DataFormatError
from .data_providers import as_features
from .pca import PCA
from .idx import IMAGES_MAGIC, LABELS_MAGIC, decompress_gzip, parse_idx

EMNIST_SPLITS = ("balanced", "byclass", "bymerge", "digits", "letters", "mnist")
EMNIST_PARTS = ("train", "test")
DIGITS_SOURCE = "sklearn:digits"
DIGITS_PARTS = ("all",)  # the bundled digits come as one pool, with no official partition


@dataclass(frozen=True)
class LabelledImages:
    """Images with labels.

    images : uint8 array of shape (n_samples, height, width), upright, 0 = background
    labels : uint8 array of shape (n_samples,), values 0..n_classes-1
    characters : the character(s) each class stands for, indexed by label
    """

    images: np.ndarray
    labels: np.ndarray
    characters: tuple

    def __post_init__(self):
        if len(self.images) != len(self.labels):
            raise DataFormatError(
                f"{len(self.images)} images but {len(self.labels)} labels: they must pair up"
            )


def source_kind(source):
    """Classify a ``data.source`` value: 'url', 'digits', 'zip' or 'directory'."""
    if source.startswith(("https://", "http://")):
        return "url"
    if source == DIGITS_SOURCE:
        return "digits"
    if source.lower().endswith(".zip"):
        return "zip"
    return "directory"


def check_data_config(source, split, parts):
    """Raise ConfigError for a source/split/parts combination no loader can serve."""
    if "://" in source and source_kind(source) != "url":
        raise ConfigError(f"data.source {source}: only https:// (or http:// with data.md5) URLs are downloaded; "
                          "give a local zip or folder as a plain path, without file://")
    if source_kind(source) == "digits":
        allowed = DIGITS_PARTS
    else:
        if split not in EMNIST_SPLITS:
            raise ConfigError(f"unknown EMNIST split {split!r}; known: {', '.join(EMNIST_SPLITS)}")
        allowed = EMNIST_PARTS
    unknown = [p for p in parts if p not in allowed]
    if unknown:
        raise ConfigError(
            f"data.parts {unknown} not available from {source!r}; choose from {list(allowed)}"
        )


def emnist_file_names(split, part):
    """NIST's file names for one split and partition: images, labels and the class mapping."""
    return {
        "images": f"emnist-{split}-{part}-images-idx3-ubyte.gz",
        "labels": f"emnist-{split}-{part}-labels-idx1-ubyte.gz",
        "mapping": f"emnist-{split}-mapping.txt",
    }


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


def decode_ascii(raw, name):
    """A text file NIST writes in ASCII, or one error naming it and the first byte that is not."""
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as e:
        raise DataFormatError(f"{name}: byte 0x{raw[e.start]:02x} at offset {e.start} is not ASCII text "
                              "(a damaged or foreign mapping file)") from None


def parse_mapping(text, name="mapping"):
    """Parse NIST's ``label ascii_code [ascii_code...]`` lines.

    Returns the sorted original labels and, for each, its characters joined (letters: "Aa").
    """
    rows = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            label, *codes = (int(field) for field in line.split())
            if not codes:
                raise ValueError("no character code")
            rows.append((label, "".join(chr(code) for code in codes)))
        except ValueError as e:
            raise DataFormatError(f"{name}, line {line_number}: cannot parse {line!r} ({e})") from e
    if not rows:
        raise DataFormatError(f"{name}: no classes in the mapping")
    rows.sort()
    labels = np.array([label for label, _ in rows])
    if len(np.unique(labels)) != len(labels):
        raise DataFormatError(f"{name}: a label appears twice")
    return labels, tuple(chars for _, chars in rows)


class _EmnistFiles:
    """Read NIST's files by name from a zip (members read in memory, never extracted) or a folder."""

    def __init__(self, source):
        self.source = Path(source)
        self._zip = None
        if source_kind(str(source)) == "zip":
            try:
                self._zip = zipfile.ZipFile(self.source)
            except (zipfile.BadZipFile, EOFError) as e:
                raise DataFormatError(
                    f"{source}: not a valid zip archive (corrupt or incomplete download?): {e}"
                ) from e
            # NIST nests its files in a gzip/ folder; match on the file name alone, so two members
            # of one name in different folders would be ambiguous: name them when one is read
            self._members = {}
            for member in self._zip.namelist():
                self._members.setdefault(PurePosixPath(member).name, []).append(member)
        elif not self.source.is_dir():
            raise DataFormatError(f"{source}: no such zip file or directory")

    def read(self, file_name):
        if self._zip is None:
            path = self.source / file_name
            if not path.is_file():
                raise DataFormatError(f"{self.source}: missing {file_name}")
            return path.read_bytes()
        if file_name not in self._members:
            raise DataFormatError(f"{self.source}: the archive has no member {file_name}")
        members = self._members[file_name]
        if len(members) > 1:
            raise DataFormatError(f"{self.source}: {len(members)} members are named {file_name} "
                                  f"({', '.join(members)}); keep one and rezip")
        try:
            return self._zip.read(members[0])
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise DataFormatError(f"{self.source}: member {file_name} is corrupt: {e}") from e

    def close(self):
        if self._zip is not None:
            self._zip.close()


def load_emnist_part(source, split, part):
    """Load one official EMNIST partition from a NIST zip or a folder of its idx .gz files.

    Images are transposed back to upright (NIST stores them transposed) and labels are
    renumbered 0..K-1 in the mapping's order (EMNIST letters numbers its classes from 1).
    """
    check_data_config(str(source), split, [part])
    names = emnist_file_names(split, part)
    files = _EmnistFiles(source)
    try:
        original_labels, characters = parse_mapping(
            decode_ascii(files.read(names["mapping"]), f"{source}: {names['mapping']}"), names["mapping"]
        )
        images = parse_idx(
            decompress_gzip(files.read(names["images"]), names["images"]), IMAGES_MAGIC,
            names["images"],
        )
        labels = parse_idx(
            decompress_gzip(files.read(names["labels"]), names["labels"]), LABELS_MAGIC,
            names["labels"],
        )
    finally:
        files.close()
    if images.ndim != 3:
        raise DataFormatError(f"{names['images']}: expected 3 dimensions, got {images.shape}")
    position = np.searchsorted(original_labels, labels)
    position = np.minimum(position, len(original_labels) - 1)
    unknown = original_labels[position] != labels
    if unknown.any():
        bad = np.unique(labels[unknown])
        raise DataFormatError(
            f"{names['labels']}: labels {bad.tolist()} are not in {names['mapping']} "
            f"(which has {original_labels.tolist()})"
        )
    upright = np.ascontiguousarray(images.transpose(0, 2, 1))
    return LabelledImages(upright, position.astype(np.uint8), characters)


def load_digits():
    """scikit-learn's bundled 8x8 digits (1,797 images, 10 classes), scaled from 0..16 to 0..255."""
    from sklearn.datasets import load_digits as sklearn_load_digits

    digits = sklearn_load_digits()
    images = np.rint(digits.images * (255.0 / 16.0)).astype(np.uint8)
    characters = tuple(str(d) for d in digits.target_names)
    return LabelledImages(images, digits.target.astype(np.uint8), characters)


def load_part(source, split, part):
    """Load one partition of any configured source (see ``source_kind``)."""
    kind = source_kind(source)
    if kind == "url":
        raise ConfigError(f"{source} is a URL: download it first and load the local file")
    if kind == "digits":
        check_data_config(source, split, [part])
        return load_digits()
    return load_emnist_part(source, split, part)


def save_labelled(path, data, **extra):
    """Save a ``LabelledImages`` (plus any extra arrays) as an uncompressed .npz, atomically."""
    save_npz(path, images=data.images, labels=data.labels,
             characters=np.array(data.characters), **extra)


def load_labelled(path):
    """Load what ``save_labelled`` wrote."""
    with np.load(path) as f:
        return LabelledImages(f["images"], f["labels"], tuple(str(c) for c in f["characters"]))


def save_features(path, features, labels, characters, pca=None, **extra):
    """Save projected float32 features (a PCA variant) with labels; the train file of a
    variant also carries its transform, so a model trained on it can be saved whole."""
    arrays = {"features": features.astype(np.float32, copy=False), "labels": labels,
              "characters": np.array(characters), **extra}
    if pca is not None:
        arrays.update(pca.to_arrays())
    save_npz(path, **arrays)


def load_training_inputs(path):
    """(inputs (n, d), labels, characters, PCA or None) from a split file or a feature file.

    Pixels stay uint8 (scaled per batch by the trainer); features are float32.
    """
    with np.load(path) as f:
        inputs = f["features"] if "features" in f else as_features(f["images"])
        return inputs, f["labels"], tuple(str(c) for c in f["characters"]), PCA.from_arrays(f)


def read_pca(path):
    """The PCA stored in a variant's train file, without loading its features."""
    with np.load(path) as f:
        pca = PCA.from_arrays(f)
    if pca is None:
        raise DataFormatError(f"{path}: holds no PCA transform")
    return pca
