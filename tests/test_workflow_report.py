"""The whole workflow on the offline demo: every figure, table and reference number; a
diverging setting; a killed run that resumes; the paper's config planned in full."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, WorkflowCopy, planned, planned_training_jobs
from matplotlib.image import imread

from leanmlp.study.paired import crossed_estimate

pytestmark = pytest.mark.workflow

# the paper's matrix as the demo plans it: every (setting, run) once per seed of its run
TRAINING_JOBS = planned_training_jobs("config/demo.yaml")


def demo_config(folder, **mlp_changes):
    config = yaml.safe_load((folder / "config/demo.yaml").read_text())
    config["mlp"]["defaults"]["epochs"] = 8
    # the EL2N scores come from Adam: a setting changed below to diverge would leave none to rank by
    config["mining"]["el2n"]["scoring"]["setting"] = "adam_lr0.001"
    for key, value in mlp_changes.items():
        config["mlp"][key] = value
    path = folder / "test.yaml"
    path.write_text(yaml.safe_dump(config))
    return "test.yaml"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """The demo with plain SGD at an exploding learning rate: every SGD run diverges."""
    workflow = WorkflowCopy(tmp_path_factory.mktemp("demo"))
    settings = {"sgd_lr0.1": {"optimizer": "sgd", "learning_rate": 1.0e4}}
    result = workflow.run("--cores", "2", "--configfile", demo_config(workflow.folder, settings=settings))
    assert result.returncode == 0, result.output[-3000:]
    return workflow


def test_every_figure_is_a_picture(demo_run):
    figures = sorted(p.name for p in (demo_run / "results/demo/figures").glob("*.png"))
    numbers = [int(re.match(r"fig(\d+)_", name)[1]) for name in figures]
    assert numbers == list(range(19))
    for name in figures:
        picture = imread(demo_run / "results/demo/figures" / name)
        assert picture.shape[0] > 200 and picture.shape[1] > 300 and picture.std() > 0.01, name


def test_every_table_has_the_papers_rows_even_with_diverged_runs(demo_run):
    tables = demo_run / "results/demo/tables"
    reference = yaml.safe_load((REPO / "config/paper_reference.yaml").read_text())
    for number, key in ((1, "table1"), (3, "table3"), (4, "table4")):
        table = pd.read_csv(tables / f"table{number}.csv")
        assert sorted(table.row.unique()) == list(range(1, len(reference[key]) + 1)), number
        assert set(table.setting) == {"sgd_lr0.1", "adam_lr0.001"}
    table1 = pd.read_csv(tables / "table1.csv")
    assert table1[table1.setting == "sgd_lr0.1"].diverged.all()
    assert not table1[table1.setting == "adam_lr0.001"].diverged.any()
    assert "(diverged)" in (tables / "table1.md").read_text()
    table2 = pd.read_csv(tables / "table2.csv")
    assert len(table2) == 4 * 2 + 8 and table2.paper_valid.notna().sum() == len(table2)
    macs = pd.read_csv(tables / "macs.csv")
    assert {65152, 48768, 614656} <= set(macs.multiply_accumulates)
    memory = pd.read_csv(tables / "memory.csv")
    # raw, PCA, 6 mean-distance, 4 RMSE, 5 EL2N and 6 random sets
    assert len(memory) == 2 + 6 + 4 + 5 + 6 and (memory.memory_mb > 0).all()


def reference_numbers(node, path=()):
    """Every number the paper reports, with where it sits in paper_reference.yaml."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("hidden", "dropout_keep", "penalty", "source", "name"):
                yield from reference_numbers(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from reference_numbers(value, path + (i,))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, node


def test_the_report_lists_every_reference_number(demo_run):
    report = (demo_run / "results/demo/report.md").read_text()
    # the stand-in's expected differences (split sizes, class balance) are listed apart
    section = report.split("## Expected differences of the stand-in data")[1].split("\n## Table 1")[0]
    reference = yaml.safe_load((REPO / "config/paper_reference.yaml").read_text())
    def shown(value):  # as printed ('0.8483') or with thousands separators ('94,000')
        forms = {f"{value:g}", f"{value:,}"}
        return any(re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])", section) for form in forms)

    missing = [(path, value) for path, value in reference_numbers(reference) if not shown(value)]
    assert not missing
    assert "dropout keep 0.25" in section and "diverges" in section
    for heading in ("## Verdicts at a glance", "## The paper's claims", "## Table 1", "## Table 4",
                    "## Wall time of each stage", "## Conventions"):
        assert heading in report
    assert "fig17_best_adam_lr0.1.png" in report


def test_killed_run_resumes_without_redoing_finished_jobs(tmp_path):
    workflow = WorkflowCopy(tmp_path)
    config = demo_config(tmp_path)
    command = [sys.executable, "-m", "snakemake", "--cores", "2", "mlp", "--configfile", config]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    metrics = tmp_path / "results/demo/mlp"
    deadline = time.time() + 300
    while len(list(metrics.glob("*/*/seed*/metrics.json"))) < 6 and time.time() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = {p: p.stat().st_mtime_ns for p in metrics.glob("*/*/seed*/metrics.json")}
    assert 6 <= len(finished) < TRAINING_JOBS
    # a hard kill leaves Snakemake's lock behind: unlock, then rerun what was incomplete
    assert workflow.run("--unlock", "--configfile", config).returncode == 0
    result = workflow.run("--cores", "2", "mlp", "--configfile", config, "--rerun-incomplete")
    assert result.returncode == 0, result.output[-3000:]
    # A job killed after writing its files but before Snakemake recorded it as done is rightly
    # redone: at most the 2 jobs that --cores 2 had in flight. Every other one is kept.
    untouched = [path for path, mtime in finished.items() if path.stat().st_mtime_ns == mtime]
    assert len(untouched) >= len(finished) - 2
    assert len(list(metrics.glob("*/*/seed*/metrics.json"))) == TRAINING_JOBS
    redone = re.findall(r"rule train_mlp:", result.output)
    assert len(redone) == TRAINING_JOBS - len(untouched)


def test_paper_config_plans_the_whole_matrix(workflow_dir):
    result = workflow_dir.run("-n", "--quiet", "rules")
    assert result.returncode == 0, result.output
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", result.output, re.MULTILINE))
    experiments = yaml.safe_load((workflow_dir / "config/experiments/paper.yaml").read_text())
    table1_points = 2 + 2 + 4 + 4
    selected_sets = 6 + 4 + 5 + 6  # mean distance, RMSE, EL2N, random (the mean-distance targets)
    own = {name: run for name, run in experiments["runs"].items() if "settings" in run}
    shared = len(experiments["runs"]) - len(own) + table1_points + selected_sets  # under both default settings
    role_seeds = {role: spec.get("seeds", experiments["role_seeds"]) for role, spec in experiments["roles"].items()}
    other_claim_roles = [role for role, spec in experiments["roles"].items()
                         if len(role_seeds[role]) == 3 and "input" not in spec]
    assert len(other_claim_roles) == 10  # the others train on a selected set, whose runs have 3 seeds already
    own_jobs = sum(len(run["settings"]) * len(run.get("seeds", [0])) for run in own.values())
    expected = 2 * shared + own_jobs + 2 * 2 * (selected_sets + len(other_claim_roles))
    assert int(jobs["train_mlp"]) == expected == TRAINING_JOBS
    assert jobs["baseline"] == "8" and jobs["project_pruned"] == str(selected_sets - 6 + 3 * 6)
    for rule in ("download", "convert", "split", "pca", "mean_distance", "rmse", "memory",
                 "collect", "curves", "tables", "report"):
        assert rule in jobs, rule


def test_claims_under_a_diverging_setting_say_diverged_and_never_pass_on_nan(demo_run):
    report = (demo_run / "results/demo/report.md").read_text()
    glance = report.split("## Verdicts at a glance")[1].split("\n## ")[0]
    rows = [line.split("|")[1:-1] for line in glance.splitlines() if line.startswith("| `")]
    verdicts = {(claim.strip(" `"), setting.strip()): verdict.strip() for claim, setting, verdict, *_ in rows}
    experiments = yaml.safe_load((REPO / "config/experiments/paper.yaml").read_text())
    # a verdict per setting; a claim on a size (exact, no training in it) once, for every setting
    assert len(verdicts) == sum(1 if "fact" in claim else 2 for claim in experiments["claims"])
    assert verdicts[("pca_saves_64_percent_memory", "every setting")] != "**diverged**"
    # 3 of 3 seeds diverging happens 1 time in 8 at a rate of 0.5: exact binomial, not a verdict
    assert verdicts[("keep_0.25_diverges", "sgd_lr0.1")] == "**inconclusive**"
    assert "3 of 3 seeds diverged" in glance and re.search(r"\(\d+ seeds all alike would\)", report)
    for (claim, setting), verdict in verdicts.items():
        if setting == "sgd_lr0.1" and claim != "keep_0.25_diverges":
            assert verdict == "**diverged**", claim
        assert verdict != "**not run**"
    assert "**Data: not EMNIST Balanced.**" in report and "the paper: 100" in report


def test_a_claims_paired_estimate_comes_from_the_predictions_files_alone(demo_run):
    """regularisation_raises_test_accuracy under Adam, recomputed from the jobs' predictions and
    the test split's labels: the estimate and the interval the report printed."""
    results = demo_run / "results/demo"
    experiments = yaml.safe_load((REPO / "config/experiments/paper.yaml").read_text())
    plan = planned("config/demo.yaml")  # a role may name a grid's point by its values
    claim = next(c for c in experiments["claims"] if c["id"] == "regularisation_raises_test_accuracy")
    labels = np.load(results / "data/test.npz")["labels"]
    runs = {name: plan.roles[name] for name in (claim["of"], claim["minus"])}
    correct = {name: np.array([np.load(results / f"mlp/adam_lr0.001/{run}/seed{seed}/predictions.npz")["test_final"]
                               == labels for seed in plan.matrix.seeds[run]], dtype=float)
               for name, run in runs.items()}
    estimate = crossed_estimate([correct[claim["of"]] - correct[claim["minus"]]], [1])
    judged = pd.read_csv(results / "tables/claims.csv").set_index(["id", "setting"])
    row = judged.loc[(claim["id"], "adam_lr0.001")]
    jobs = pd.read_csv(results / "tables/mlp_jobs.csv").set_index(["setting", "run", "seed"])
    from_metrics = np.mean([jobs.loc[("adam_lr0.001", runs[claim["of"]], s), "test_acc_final"]
                            - jobs.loc[("adam_lr0.001", runs[claim["minus"]], s), "test_acc_final"] for s in range(3)])
    assert row["mean"] == pytest.approx(estimate.value, abs=1e-12) == pytest.approx(from_metrics, abs=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(estimate.interval(row["test_level"]), abs=1e-12)


def planned_jobs(workflow, config="test.yaml"):
    """{rule: count} of a dry run (``snakemake -n``)."""
    result = workflow.run("-n", "--quiet", "rules", "--configfile", config)
    assert result.returncode == 0, result.output[-3000:]
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)$", result.output, re.MULTILINE)
            if rule != "total"}


# Every figure and summary -> the rules a rerun must redo without it: the job that makes it and
# the jobs that read it, never a stage upstream (no split, no PCA, no training).
REDONE_WITHOUT = {
    "figures/fig12_pca_explained_variance.png": {"pca_figure", "report", "all"},
    "figures/fig13_class_mean_extremes.png": {"class_extremes", "report", "all"},
    "figures/fig14_distance_from_class_mean.png": {"score_figure", "report", "all"},
    "figures/fig15_pca_reconstruction_rmse.png": {"score_figure", "report", "all"},
    "figures/fig16_memory_vs_accuracy.png": {"tables", "report", "all"},
    "figures/fig00_paper_vs_ours.png": {"tables", "report", "all"},
    "figures/fig01_h1x100.png": {"curves", "report", "all"},
    # it also writes the class counts, which the tables and figure 17 (the majority-class line) read
    "data/split_summary.json": {"split_summary", "tables", "curves", "report", "all"},
    "mining/pca/summary.json": {"pca_summary", "pca_figure", "report", "all"},
    "mining/mean_distance/summary.json": {"pruning_summary", "all"},
    "mining/rmse/summary.json": {"pruning_summary", "all"},
}


def test_nothing_to_do_after_a_finished_run(demo_run):
    assert planned_jobs(demo_run) == {}


@pytest.mark.parametrize("output", REDONE_WITHOUT, ids=lambda path: path.split("/")[-1])
def test_a_missing_figure_or_summary_redoes_only_its_readers(demo_run, output):
    path = demo_run / "results/demo" / output
    aside = path.with_name(path.name + ".aside")
    path.rename(aside)  # a rename keeps the file's time, so putting it back restores the run as it was
    try:
        planned = planned_jobs(demo_run)
    finally:
        aside.rename(path)
    assert set(planned) == REDONE_WITHOUT[output]
    assert all(count == 1 for count in planned.values())


def test_changing_one_pruning_target_redoes_only_that_target(demo_run):
    config = yaml.safe_load((demo_run / "test.yaml").read_text())
    targets = config["mining"]["rmse"]["targets"]
    changed = targets[1]
    (kind, value), = changed.items()
    targets[1] = {kind: round(value - 0.01, 3)}
    (demo_run / "changed.yaml").write_text(yaml.safe_dump(config))
    planned = planned_jobs(demo_run, "changed.yaml")
    # the new target's file and projection, its table-4 run under both settings and 3 seeds; the
    # random control at the new size (RMSE alone has it): 3 draws, each projected and trained under
    # both settings; the RMSE summary and figure 15, the memory, selection and paper tables and the
    # report that gather everything, and the record of the config the results folder was made with
    assert planned == {"prune": 1, "project_pruned": 1 + 3, "random_subset": 3, "train_mlp": 6 + 6,
                       "pruning_summary": 1, "score_figure": 1, "memory": 1, "collect": 1, "tables": 1,
                       "selection": 1, "report": 1, "effective_config": 1, "all": 1}


def test_the_report_has_no_nan_cell_and_no_relative_bound_below_minus_100_percent(demo_run):
    report = (demo_run / "results/demo/report.md").read_text()
    cells = [cell.strip() for line in report.splitlines() if line.startswith("|") for cell in line.split("|")]
    assert "nan" not in cells and not any(re.search(r"\bnan\b", cell) for cell in cells)
    bounds = [float(value) for value in re.findall(r"interval (-?[\d.]+)% to", report)]
    assert bounds and min(bounds) > -100
