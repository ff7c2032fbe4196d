"""Bad input of every kind ends in one line that names the key or file and what is wrong."""

import errno
import io
import logging
import os
import zipfile

import numpy as np
import pytest
import yaml
from conftest import REPO, make_emnist, write_nist_zip

from leanmlp.data.emnist import load_emnist_part
from leanmlp.deploy.model_io import open_npz
from leanmlp.exceptions import ConfigError, DataFormatError
from leanmlp.stage import run_stage, stage_logger
from leanmlp.study.baselines import check_baseline_name
from leanmlp.study.configuration import check_config, typed


def demo_config(**data):
    config = yaml.safe_load((REPO / "config/demo.yaml").read_text())
    config["data"].update(data)
    return config


def test_a_name_too_long_for_a_file_name():
    config = demo_config()
    config["name"] = "x" * 300
    with pytest.raises(ConfigError, match="name is 300 characters long; .* at most 100"):
        check_config(config)


@pytest.mark.parametrize("name", ["rf0", "pca_rf0"])
def test_a_forest_of_no_trees(name):
    with pytest.raises(ConfigError, match=rf"baseline '{name}': a random forest needs at least 1 tree"):
        check_baseline_name(name)
    check_baseline_name("rf1")


def test_a_command_line_value_that_is_not_yaml():
    with pytest.raises(ConfigError, match=r"--config value '\{epochs: \[\}' is not YAML \(line 1, column"):
        typed({"defaults": "{epochs: [}"})


def test_a_mapping_file_that_is_not_ascii(tmp_path):
    files, _ = make_emnist()
    files["emnist-balanced-mapping.txt"] = b"0 48\n1 \xff49\n"
    path = write_nist_zip(tmp_path / "gzip.zip", files)
    with pytest.raises(DataFormatError, match=r"emnist-balanced-mapping.txt: byte 0xff at offset 7 is not ASCII"):
        load_emnist_part(path, "balanced", "train")


def test_an_npz_header_asking_for_terabytes(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False,
                                                  "shape": (10**12, 28, 28)})
    with zipfile.ZipFile(tmp_path / "huge.npz", "w") as archive:
        archive.writestr("images.npy", header.getvalue() + bytes(100))
    with pytest.raises(DataFormatError, match="huge.npz: an array's header asks for more memory"):
        with open_npz(tmp_path / "huge.npz", "file of images") as f:
            f["images"]


@pytest.mark.parametrize("failure, message", [
    (OSError(errno.ENOSPC, "No space left on device", "results/t/mlp/model.npz"),
     "no space left on the device writing results/t/mlp/model.npz"),
    (MemoryError("Unable to allocate 74.5 GiB"), "out of memory (Unable to allocate 74.5 GiB)"),
    (KeyboardInterrupt(), "interrupted; outputs are written atomically"),
])
def test_a_full_disk_or_no_memory_in_a_stage_is_one_line(tmp_path, monkeypatch, failure, message):
    logger = logging.getLogger("leanmlp.test_bad_input")
    stream = io.StringIO()
    logger.handlers[:] = [logging.StreamHandler(stream)]
    # the line goes to the stage's own stream alone: a passing test prints no ERROR line
    monkeypatch.setattr(logger, "propagate", False)

    def main(_):
        raise failure

    with pytest.raises(SystemExit) as exit_status:
        run_stage(main, logger)
    assert exit_status.value.code == (130 if isinstance(failure, KeyboardInterrupt) else 1)
    errors = [line for line in stream.getvalue().splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and message in errors[0]
    assert "Traceback" not in stream.getvalue()


def test_other_os_errors_are_not_swallowed():
    def main(_):
        raise OSError(errno.EACCES, "Permission denied")

    with pytest.raises(PermissionError):
        run_stage(main, logging.getLogger("leanmlp.test_bad_input"))



def test_provenance_without_git_on_path_says_so(monkeypatch, tmp_path):
    from leanmlp.provenance import describe, provenance

    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no git in it
    record = provenance()
    assert record["commit"] is None and record["no_commit_because"] == "git is not on PATH"
    assert describe(record).startswith("no git commit (git is not on PATH)")


def test_split_sizes_are_listed_in_one_order_whatever_the_files_order():
    config = demo_config()
    config["data"]["sizes"] = dict(reversed(list(config["data"]["sizes"].items())))
    check_config(config)
    assert list(config["data"]["sizes"]) == ["train", "valid", "test"]


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["mean_distance"]["targets"].append({"fraction": 0.5}),
     r"mining.mean_distance.targets lists fraction0.5 twice: each target once"),
    (lambda m: m["el2n"]["targets"].append({"fraction": 0.94}), r"mining.el2n.targets lists fraction0.94 twice"),
    (lambda m: m["rmse"]["targets"].insert(0, {"fraction": 0.96}),
     r"mining.rmse.targets \{'fraction': 0.96\} keeps more than the 0.94 that mining.rmse.after"),
])
def test_a_pruning_target_the_config_alone_shows_wrong(edit, message):
    config = demo_config()
    edit(config["mining"])
    with pytest.raises(ConfigError, match=message):
        check_config(config)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full, a device that is always full")
def test_a_log_file_on_a_full_disk_is_one_line_not_a_traceback_a_record(capsys):
    logger = stage_logger("full", "/dev/full")
    for epoch in range(12):
        logger.info("epoch %d", epoch)
    said = capsys.readouterr().err
    assert said.count("the log file /dev/full cannot be written (") == 1 and "Logging error" not in said
    assert said.count("[full] epoch") == 12  # the terminal still has every line
