"""python -m leanmlp compare: the published run against itself and against changed copies."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from leanmlp.report.compare import JOB_MEASURES

PUBLISHED = Path(__file__).resolve().parents[1] / "docs" / "reproduction"
PUBLISHED_JOBS = pd.read_csv(PUBLISHED / "tables" / "mlp_jobs.csv")
# every job's measures that compare reads (leanmlp.report.compare.JOB_MEASURES): 222 x 7 in the publication
JOB_VALUES = len(PUBLISHED_JOBS) * len(JOB_MEASURES)


def compare(*args):
    return subprocess.run([sys.executable, "-m", "leanmlp", "compare", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "ours"
    shutil.copytree(PUBLISHED / "tables", target / "tables")
    return target


def test_the_published_run_against_itself_flags_nothing():
    done = compare(PUBLISHED, PUBLISHED)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"jobs: {JOB_VALUES} values compared, 0 flagged" in done.stdout
    assert "table rows:" in done.stdout and "0 flagged" in done.stdout.splitlines()[-1]


def test_one_changed_accuracy_is_flagged_by_its_job(copy):
    jobs = pd.read_csv(copy / "tables" / "mlp_jobs.csv")
    changed = (jobs.setting == "adam_lr0.001") & (jobs.run == "h2x128") & (jobs.seed == 0)
    assert changed.sum() == 1
    jobs.loc[changed, "test_acc_final"] += 0.01  # four times the seed spread
    jobs.to_csv(copy / "tables" / "mlp_jobs.csv", index=False)
    done = compare(copy, PUBLISHED)
    assert done.returncode == 1
    flagged = [line for line in done.stdout.splitlines() if "test_acc_final" in line and "|" in line]
    assert len(flagged) == 1 and "adam_lr0.001" in flagged[0] and "h2x128" in flagged[0]
    assert f"jobs: {JOB_VALUES} values compared, 1 flagged" in done.stdout
    # within a tolerance given on the command line it passes
    assert compare(copy, PUBLISHED, "--tolerance", "0.02").returncode == 0


def test_a_changed_table_row_and_a_missing_job_are_flagged(copy):
    table = pd.read_csv(copy / "tables" / "table3.csv")
    table.loc[0, "ours_test"] -= 0.05
    table.to_csv(copy / "tables" / "table3.csv", index=False)
    jobs = pd.read_csv(copy / "tables" / "mlp_jobs.csv")
    jobs.iloc[1:].to_csv(copy / "tables" / "mlp_jobs.csv", index=False)
    done = compare(copy, PUBLISHED)
    assert done.returncode == 1
    assert "job only in the reference" in done.stdout
    assert any("table3" in line and "ours_test" in line for line in done.stdout.splitlines())


def test_runs_made_another_way_say_so_before_their_rows(copy):
    jobs = pd.read_csv(copy / "tables" / "mlp_jobs.csv")
    jobs["epochs_run"] = jobs.epochs_run.clip(upper=2)
    jobs.loc[jobs.run == "h1x32", "n_train"] = 1259
    jobs.to_csv(copy / "tables" / "mlp_jobs.csv", index=False)
    done = compare(copy, PUBLISHED)
    lines = done.stdout.splitlines()
    assert lines[0] == "NOTE: the runs trained different epochs: 2 here, 100 in the reference; differences below " \
                       "follow from that"
    changed = (PUBLISHED_JOBS.run == "h1x32").sum()
    assert lines[1].startswith(f"NOTE: the runs trained on different data: {changed} of {len(PUBLISHED_JOBS)} matched "
                               "jobs had another number of training images (e.g. h1x32: 1,259 here, 100,000 in the "
                               "reference)")
    assert "NOTE" not in compare(PUBLISHED, PUBLISHED).stdout


@pytest.mark.parametrize("damage, message", [
    (lambda folder: shutil.rmtree(folder / "tables"), "no tables/ folder"),
    (lambda folder: (folder / "tables" / "mlp_jobs.csv").unlink(), "no mlp_jobs.csv"),
    (lambda folder: (folder / "tables" / "mlp_jobs.csv").write_bytes(b"\xff\xfe\x00bad"), "not a readable table"),
])
def test_bad_input_is_one_line_and_exit_2(copy, damage, message):
    damage(copy)
    done = compare(copy, PUBLISHED)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr and str(copy) in done.stderr
