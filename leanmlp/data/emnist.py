"""EMNIST as NIST publishes it: the file names of a split, the class mapping, and the idx
images and labels, read from a zip (in memory) or a folder."""

import zipfile
from pathlib import Path, PurePosixPath

import numpy as np

from leanmlp.data.idx import IMAGES_MAGIC, LABELS_MAGIC, decompress_gzip, parse_idx
from leanmlp.data.labelled import LabelledImages
from leanmlp.exceptions import ConfigError, DataFormatError

EMNIST_SPLITS = ("balanced", "byclass", "bymerge", "digits", "letters", "mnist")

EMNIST_PARTS = ("train", "test")
EMNIST_IMAGE_SHAPE = (28, 28)


def is_zip(source: str | Path) -> bool:
    return str(source).lower().endswith(".zip")


def check_emnist_split(split: str, parts: list[str], source: str) -> None:
    """Raise ConfigError for a split NIST does not publish or a partition it does not have."""
    if split not in EMNIST_SPLITS:
        raise ConfigError(f"unknown EMNIST split {split!r}; known: {', '.join(EMNIST_SPLITS)}")
    check_parts(parts, EMNIST_PARTS, source)


def check_parts(parts: list[str], allowed: tuple[str, ...], source: str) -> None:
    unknown = [p for p in parts if p not in allowed]
    if unknown:
        raise ConfigError(f"data.parts {unknown} not available from {source!r}; choose from {list(allowed)}")


def emnist_file_names(split: str, part: str) -> dict[str, str]:
    """NIST's file names for one split and partition: images, labels and the class mapping."""
    return {
        "images": f"emnist-{split}-{part}-images-idx3-ubyte.gz",
        "labels": f"emnist-{split}-{part}-labels-idx1-ubyte.gz",
        "mapping": f"emnist-{split}-mapping.txt",
    }


def decode_ascii(raw: bytes, name: str) -> str:
    """A text file NIST writes in ASCII, or one error naming it and the first byte that is not."""
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as e:
        raise DataFormatError(f"{name}: byte 0x{raw[e.start]:02x} at offset {e.start} is not ASCII text "
                              "(a damaged or foreign mapping file)") from None


def parse_mapping(text: str, name: str = "mapping") -> tuple[np.ndarray, tuple[str, ...]]:
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
        if is_zip(source):
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

    def read(self, file_name: str) -> bytes:
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

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def load_emnist_part(source: str | Path, split: str, part: str) -> LabelledImages:
    """Load one official EMNIST partition from a NIST zip or a folder of its idx .gz files.

    Images are transposed back to upright (NIST stores them transposed) and labels are
    renumbered 0..K-1 in the mapping's order (EMNIST letters numbers its classes from 1).
    """
    check_emnist_split(split, [part], str(source))
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
    if images.ndim != 3 or images.shape[1:] != EMNIST_IMAGE_SHAPE:
        raise DataFormatError(f"{names['images']}: images of shape {images.shape[1:]}, but every EMNIST image is "
                              f"{EMNIST_IMAGE_SHAPE[0]}x{EMNIST_IMAGE_SHAPE[1]} pixels: not an EMNIST file")
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

