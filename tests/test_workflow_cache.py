"""Reruns follow content, with the workflow's own profile: a touched file plans nothing, an
edited template plans the report, a deleted result plans its job and what reads it."""

import os
import re
import shutil

import pytest
import yaml
from conftest import REPO, WorkflowCopy, make_emnist, write_folder

pytestmark = pytest.mark.workflow

JOB = "results/demo/mlp/adam_lr0.001/h1x32/seed0"  # a run drawn in figure 2


def planned(workflow, *targets, config="test.yaml"):
    """{rule: count} of a dry run."""
    result = workflow.run("-n", *targets, "--quiet", "rules", "--configfile", config)
    assert result.returncode == 0, result.output[-3000:]
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", result.output, re.MULTILINE)
            if rule != "total"}


def with_profile(folder):
    workflow = WorkflowCopy(folder)
    shutil.copytree(REPO / "profiles", folder / "profiles")
    return workflow


@pytest.fixture(scope="module")
def finished_demo(tmp_path_factory):
    workflow = with_profile(tmp_path_factory.mktemp("cache"))
    config = yaml.safe_load((workflow / "config/demo.yaml").read_text())
    config["mlp"]["defaults"]["epochs"] = 2
    (workflow / "test.yaml").write_text(yaml.safe_dump(config))
    result = workflow.run("--cores", "2", "--configfile", "test.yaml")
    assert result.returncode == 0, result.output[-3000:]
    assert planned(workflow) == {}
    return workflow


def test_touching_every_file_of_the_code_and_the_config_plans_nothing(finished_demo):
    places = ["Snakefile", "test.yaml", "scripts", "leanmlp", "workflow", "config", "profiles"]
    touched = 0
    for place in map(finished_demo.__truediv__, places):
        for file in [place] if place.is_file() else [f for f in place.rglob("*") if f.is_file()]:
            os.utime(file)
            touched += 1
    assert touched > 100
    assert planned(finished_demo) == {}


def test_editing_the_report_template_plans_the_report(finished_demo):
    template = finished_demo / "leanmlp/report/templates/report.md.j2"
    text = template.read_text()
    template.write_text(text + "\nOne more sentence.\n")
    try:
        assert planned(finished_demo) == {"report": 1, "all": 1}
    finally:
        template.write_text(text)
    assert planned(finished_demo) == {}  # the same words again: nothing to redo


@pytest.mark.parametrize("lost", ["metrics.json", "predictions.npz", "model.npz", "history.csv", "the seed folder"])
def test_a_lost_result_of_one_job_plans_that_job_and_what_reads_it(finished_demo, lost):
    folder = finished_demo / JOB
    saved = finished_demo.folder / "saved"
    shutil.copytree(folder, saved)
    if lost == "the seed folder":
        shutil.rmtree(folder)
    else:
        (folder / lost).unlink()
    try:
        assert planned(finished_demo) == {"train_mlp": 1, "collect": 1, "tables": 1, "curves": 1, "report": 1,
                                          "all": 1}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.move(saved, folder)
    assert planned(finished_demo) == {}


@pytest.mark.parametrize("damaged, cut, says", [
    ("metrics.json", 100, "metrics.json: not JSON"),
    ("model.npz", 500, "model.npz: not a readable model file"),
    ("history.csv", -30, "history.csv: cut short"),
])
def test_a_damaged_result_is_refused_by_name_and_nothing_else_is_lost(finished_demo, damaged, cut, says):
    path = finished_demo / JOB / damaged
    saved = path.read_bytes()
    path.write_bytes(saved[:cut])
    try:
        result = finished_demo.run("--cores", "1", "results/demo/tables/mlp_jobs.csv", "--configfile", "test.yaml")
        assert result.returncode != 0
        errors = [line for line in result.output.splitlines() if "ERROR:" in line]
        assert len(errors) == 1 and f"{JOB}/{damaged}: {says.split(': ', 1)[1]}" in errors[0], result.output[-2000:]
        assert f"delete {JOB} and rerun" in errors[0]
        assert all((finished_demo / JOB / name).exists() for name in ("metrics.json", "model.npz", "history.csv"))
    finally:
        path.write_bytes(saved)
    # the file whole again: no training is planned, only what the failed collect job removed
    assert "train_mlp" not in planned(finished_demo)
    assert finished_demo.run("--cores", "2", "--configfile", "test.yaml").returncode == 0
    assert planned(finished_demo) == {}


def test_a_lost_table_is_made_again_with_what_reads_it(finished_demo):
    jobs = finished_demo / "results/demo/tables/mlp_jobs.csv"
    saved = jobs.read_bytes()
    jobs.unlink()
    try:
        assert planned(finished_demo) == {"collect": 1, "tables": 1, "report": 1, "all": 1}
    finally:
        jobs.write_bytes(saved)
        os.utime(jobs, (0, 0))  # older than its readers, as it was


def test_touched_source_files_plan_nothing_and_a_changed_one_replans_the_data(tmp_path):
    workflow = with_profile(tmp_path)
    files, _ = make_emnist(n=60)
    source = write_folder(tmp_path / "emnist", files)
    config = yaml.safe_load((workflow / "config/demo.yaml").read_text())
    config.update(name="t", data={"source": str(source), "md5": None, "split": "balanced", "parts": ["train", "test"],
                                  "sizes": {"train": 80, "valid": 20, "test": 20}})
    (workflow / "test.yaml").write_text(yaml.safe_dump(config))
    assert workflow.run("--cores", "2", "data", "--configfile", "test.yaml").returncode == 0
    assert planned(workflow, "data") == {}
    idx_files = sorted(source.glob("*.gz"))
    assert len(idx_files) == 4
    for file in idx_files:
        os.utime(file)
    assert planned(workflow, "data") == {}
    labels = next(file for file in idx_files if "train-labels" in file.name)
    labels.write_bytes(make_emnist(n=60, seed=1)[0][labels.name])  # other labels under the same name
    assert planned(workflow, "data") == {"convert": 1, "split": 1, "split_summary": 1, "data": 1}
