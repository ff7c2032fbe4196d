"""The data stage through Snakemake: dry run, config validation, demo, local zip, real EMNIST."""

import hashlib
import json
import re
import socket

import numpy as np
import pytest
import yaml
from conftest import make_emnist, write_nist_zip

from leanmlp.data.download import archive_place
from leanmlp.data.labelled import load_labelled

pytestmark = pytest.mark.workflow


def write_config(folder, **data):
    """A config for ``data``; the other sections as in the demo."""
    config = yaml.safe_load((folder / "config/demo.yaml").read_text())
    config.update(name="t", data={"md5": None, "split": "balanced", "parts": ["train", "test"], **data})
    path = folder / "test_config.yaml"
    path.write_text(yaml.safe_dump(config))
    return str(path)


def planned_jobs(stdout):
    return dict(re.findall(r"^(\w+)\s+(\d+)$", stdout, re.MULTILINE))


def test_dry_run_of_the_paper_config(workflow_dir):
    result = workflow_dir.run("-n")
    assert result.returncode == 0, result.output
    jobs = planned_jobs(result.output)
    assert {k: jobs[k] for k in ("download", "convert", "split")} == {
        "download": "1", "convert": "2", "split": "1"}


@pytest.mark.parametrize("override, message", [
    ("colour=red", "Additional properties are not allowed ('colour' was unexpected)"),
    ("seed=-1", "-1 is less than the minimum of 0"),
    ("name=../escape", "does not match"),
])
def test_bad_config_fails_before_any_job(workflow_dir, override, message):
    result = workflow_dir.run("-n", "--config", override)
    assert result.returncode != 0 and message in result.output
    assert not (workflow_dir / "results").exists()


def test_inconsistent_source_and_parts_is_a_clear_error(workflow_dir):
    config = write_config(workflow_dir, source="sklearn:digits",
                          sizes={"train": 0.5, "valid": 0.2, "test": 0.2})
    result = workflow_dir.run("-n", "--configfile", config)
    assert result.returncode != 0
    assert "invalid configuration: data.parts ['train', 'test'] not available" in result.output


def test_demo_data_stage(workflow_dir):
    result = workflow_dir.run("--cores", "2", "data", "--configfile", "config/demo.yaml")
    assert result.returncode == 0, result.output
    summary = json.loads((workflow_dir / "results/demo/data/split_summary.json").read_text())
    sizes = {name: s["n_samples"] for name, s in summary["splits"].items()}
    assert sizes == {"train": 1259, "valid": 269, "test": 269} and summary["n_classes"] == 10
    train = load_labelled(workflow_dir / "results/demo/data/train.npz")
    assert train.images.shape == (1259, 8, 8)
    assert (workflow_dir / "results/demo/logs/split.log").read_text().count("train: 1259 images")
    assert (workflow_dir / "results/demo/benchmarks/split.tsv").exists()
    again = workflow_dir.run("--cores", "2", "data", "--configfile", "config/demo.yaml")
    assert "Nothing to be done" in again.output


def test_local_zip_source_with_md5(workflow_dir):
    files, upright = make_emnist(n=50)
    archive = write_nist_zip(workflow_dir / "gzip.zip", files)
    md5 = hashlib.md5(archive.read_bytes()).hexdigest()
    sizes = {"train": 60, "valid": 20, "test": 20}
    result = workflow_dir.run("--cores", "2", "data", "--configfile",
                              write_config(workflow_dir, source=str(archive), md5=md5, sizes=sizes))
    assert result.returncode == 0, result.output
    pooled = np.concatenate([upright["train"][0], upright["test"][0]])
    train = np.load(workflow_dir / "results/t/data/train.npz")
    # Every written image is the upright original it says it came from.
    np.testing.assert_array_equal(train["images"], pooled[train["origin_part"] * 50 + train["origin_index"]])
    assert not list((workflow_dir / "resources").glob("**/*.zip"))  # used in place, not copied

    bad = workflow_dir.run("--cores", "2", "data", "--configfile",
                           write_config(workflow_dir, source=str(archive), md5="0" * 32, sizes=sizes))
    assert bad.returncode != 0 and f"md5 is {md5}, expected {'0' * 32}" in bad.output


def test_sizes_exceeding_the_pool_leave_no_output(workflow_dir):
    files, _ = make_emnist(n=50)
    archive = write_nist_zip(workflow_dir / "gzip.zip", files)
    config = write_config(workflow_dir, source=str(archive),
                          sizes={"train": 90, "valid": 10, "test": 10})
    result = workflow_dir.run("--cores", "2", "data", "--configfile", config)
    assert result.returncode != 0
    assert "asks for 110 images (train 90 + valid 10 + test 10) but the pooled parts hold only 100" in result.output
    assert not list((workflow_dir / "results/t/data").glob("*.npz"))


def test_offline_download_names_the_ways_forward(workflow_dir):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = write_config(workflow_dir, source=f"http://127.0.0.1:{port}/gzip.zip", md5="0" * 32,
                          sizes={"train": 10, "valid": 1, "test": 1})
    result = workflow_dir.run("--cores", "1", "data", "--configfile", config)
    assert result.returncode != 0
    assert "cannot reach 127.0.0.1" in result.output
    assert "set data.source to its path" in result.output and "config/demo.yaml" in result.output
    assert not list((workflow_dir / "resources/emnist").glob("*/gzip.zip"))


def test_download_stage_from_a_local_server(workflow_dir, archive_server):
    files, _ = make_emnist(n=50)
    data = write_nist_zip(workflow_dir / "built.zip", files).read_bytes()
    server = archive_server({"/EMNIST/gzip.zip": data})
    config = write_config(workflow_dir, source=server.url("/EMNIST/gzip.zip"),
                          md5=hashlib.md5(data).hexdigest(),
                          sizes={"train": 0.8, "valid": 0.1, "test": 0.1})
    result = workflow_dir.run("--cores", "2", "data", "--configfile", config)
    assert result.returncode == 0, result.output
    verified = workflow_dir / archive_place(server.url("/EMNIST/gzip.zip"), hashlib.md5(data).hexdigest())
    assert verified.read_bytes() == data
    assert load_labelled(workflow_dir / "results/t/data/train.npz").images.shape == (80, 28, 28)

    # another config with the same URL but a wrong checksum downloads into its own place and
    # fails there: the verified archive of the first config is never touched
    before = verified.stat().st_mtime_ns
    wrong = write_config(workflow_dir, source=server.url("/EMNIST/gzip.zip"), md5="0" * 32,
                         sizes={"train": 0.8, "valid": 0.1, "test": 0.1})
    bad = workflow_dir.run("--cores", "2", "data", "--configfile", wrong, "--forcerun", "download")
    assert bad.returncode != 0 and f"expected {'0' * 32}" in bad.output and "Traceback" not in bad.output
    assert verified.read_bytes() == data and verified.stat().st_mtime_ns == before
    config = write_config(workflow_dir, source=server.url("/EMNIST/gzip.zip"), md5=hashlib.md5(data).hexdigest(),
                          sizes={"train": 0.8, "valid": 0.1, "test": 0.1})  # the same file name again
    again = workflow_dir.run("--cores", "2", "data", "--configfile", config)
    assert again.returncode == 0 and "rule download" not in again.output


def test_another_url_with_the_same_md5_never_deletes_a_verified_archive(workflow_dir, archive_server):
    files, _ = make_emnist(n=50)
    data = write_nist_zip(workflow_dir / "built.zip", files).read_bytes()
    md5 = hashlib.md5(data).hexdigest()
    server = archive_server({"/EMNIST/gzip.zip": data})
    sizes = {"train": 0.8, "valid": 0.1, "test": 0.1}
    good = write_config(workflow_dir, source=server.url("/EMNIST/gzip.zip"), md5=md5, sizes=sizes)
    assert workflow_dir.run("--cores", "2", "data", "--configfile", good).returncode == 0
    verified = workflow_dir / archive_place(server.url("/EMNIST/gzip.zip"), md5)
    before = verified.stat().st_mtime_ns

    moved = write_config(workflow_dir, source=server.url("/moved/gzip.zip"), md5=md5, sizes=sizes)
    gone = workflow_dir.run("--cores", "2", "data", "--configfile", moved)
    assert gone.returncode != 0 and "HTTP 404" in gone.output and "Traceback" not in gone.output
    assert verified.read_bytes() == data and verified.stat().st_mtime_ns == before
    good = write_config(workflow_dir, source=server.url("/EMNIST/gzip.zip"), md5=md5, sizes=sizes)  # one file
    again = workflow_dir.run("--cores", "2", "data", "--configfile", good)
    assert again.returncode == 0 and "rule download" not in again.output, again.output[-3000:]


def test_shared_bymerge_data_stage(workflow_dir, shared_emnist):
    config = write_config(workflow_dir, source=str(shared_emnist), split="bymerge", parts=["test"],
                          sizes={"train": 100000, "valid": 8161, "test": 8162})
    result = workflow_dir.run("--cores", "2", "data", "--configfile", config)
    assert result.returncode == 0, result.output
    summary = json.loads((workflow_dir / "results/t/data/split_summary.json").read_text())
    assert {n: s["n_samples"] for n, s in summary["splits"].items()} == {
        "train": 100000, "valid": 8161, "test": 8162}
    assert summary["splits"]["train"]["memory_bytes_uint8"] == 100000 * 784
    counts = (workflow_dir / "results/t/data/class_counts.csv").read_text().splitlines()
    assert counts[0] == "label,character,train,valid,test" and len(counts) == 48


def test_a_class_without_images_is_named_and_the_later_stages_go_on(workflow_dir):
    files, _ = make_emnist(n=80, n_classes=4)
    mapping = emnist_mapping_name = next(name for name in files if name.endswith("mapping.txt"))
    files[mapping] += b"4 69 101\n"  # a fifth class, 'E', that no image has
    archive = write_nist_zip(workflow_dir / "gzip.zip", files)
    config = write_config(workflow_dir, source=str(archive), sizes={"train": 0.8, "valid": 0.1, "test": 0.1})
    result = workflow_dir.run("--cores", "2", "mining", "data", "--configfile", config)
    assert result.returncode == 0, result.output[-3000:]
    log = (workflow_dir / "results/t/logs/split.log").read_text()
    assert "train: classes ['Ee'] have no images" in log, log
    summary = json.loads((workflow_dir / "results/t/data/split_summary.json").read_text())
    assert summary["splits"]["train"]["empty_classes"] == ["Ee"]
    assert emnist_mapping_name.startswith("emnist-balanced")
