"""Declarations the config alone shows to be wrong fail when the plan is made, naming them:
before any job, where they would otherwise train the matrix and end "inconclusive" or "not run"."""

import copy
import re
import subprocess
import time

import pytest
import yaml
from conftest import REPO

from leanmlp.exceptions import ConfigError
from leanmlp.nn.models import MLPSpec
from leanmlp.plan import build_plan, config_change_note, is_snakemake, live_run_note, live_snakemake_runs

CONFIG = yaml.safe_load((REPO / "config/demo.yaml").read_text())
EXPERIMENTS = yaml.safe_load((REPO / "config/experiments/paper.yaml").read_text())


def plan_with(change):
    config, experiments = copy.deepcopy(CONFIG), copy.deepcopy(EXPERIMENTS)
    change(config, experiments)
    return build_plan(config, "config/experiments/paper.yaml", experiments)


def claim(experiments, claim_id):
    return next(c for c in experiments["claims"] + experiments["hypotheses"] if c["id"] == claim_id)


def test_the_papers_declarations_pass(monkeypatch):
    monkeypatch.chdir(REPO)
    plan_with(lambda config, experiments: None)


def twice(config, experiments):
    config["mlp"]["default_settings"] = ["adam_lr0.001", "adam_lr0.001"]


def momentum_on_sgd(config, experiments):
    experiments["settings"]["sgd_lr0.1"]["momentum"] = 0.9


def no_dropout_layer(config, experiments):
    experiments["runs"]["h3x128_drop0.25"]["dropout_after"] = []


def minus_itself(config, experiments):
    claim(experiments, "regularisation_raises_test_accuracy")["minus"] = "best_raw"


def twin_role(config, experiments):
    experiments["roles"]["twin"] = {"run": "h3x128", "seeds": [0, 1, 2]}
    claim(experiments, "regularisation_raises_test_accuracy").update(of="twin", minus="plain")


def share_below_any_value(config, experiments):
    claim(experiments, "keep_0.25_diverges")["above"] = -0.5


def difference_above_any_value(config, experiments):
    claim(experiments, "regularisation_raises_test_accuracy")["above"] = 2


def own_seeds_replace_the_roles(config, experiments):
    experiments["runs"]["h3x128"]["seeds"] = [5]


def pipeline_figure(config, experiments):
    experiments["figures"][12] = "h3x128"


def unknown_baseline(config, experiments):
    claim(experiments, "forest_comparable_to_1x32")["minus_baseline"]["model"] = "svm"


@pytest.mark.parametrize("change, message", [
    (twice, "mlp.default_settings lists 'adam_lr0.001' twice"),
    (momentum_on_sgd, "settings.sgd_lr0.1: momentum 0.9 is read only by optimizer 'momentum', not 'sgd'"),
    (no_dropout_layer, "run 'h3x128_drop0.25' under sgd_lr0.1: dropout_keep 0.25 with dropout_after []"),
    (minus_itself, "claim 'regularisation_raises_test_accuracy': compares 'best_raw' with itself"),
    (twin_role, "compares 'twin' with 'plain', both run 'h3x128'"),
    (share_below_any_value, "claim 'keep_0.25_diverges': its threshold (> -0.5) is met by every value"),
    (difference_above_any_value, "its threshold (> 2) is met by no value the quantity can take (-1 to 1)"),
    (own_seeds_replace_the_roles, "by seed, but they share none: it could only end 'not run'"),
    (pipeline_figure, "figures.12 is a figure the pipeline draws itself"),
    (unknown_baseline, "minus_baseline names 'svm', which this config's baselines.models do not fit"),
])
def test_a_wrong_declaration_fails_at_planning_naming_it(monkeypatch, change, message):
    monkeypatch.chdir(REPO)
    with pytest.raises(ConfigError, match=re.escape(message)):
        plan_with(change)


def test_a_dropout_rate_with_no_layer_to_drop_is_refused_by_the_network_too():
    with pytest.raises(ConfigError, match="no hidden layer would drop units"):
        MLPSpec(4, 3, hidden=(8,), dropout_keep=0.5, dropout_after=())


def test_a_results_folder_made_by_another_config_is_named_before_it_is_replaced(tmp_path):
    config = yaml.safe_load((REPO / "config/demo.yaml").read_text())
    record = tmp_path / "config.yaml"
    assert config_change_note(record, config) is None  # a first run: nothing to replace
    record.write_text("# the effective config\n" + yaml.safe_dump(config, sort_keys=False))
    assert config_change_note(record, config) is None
    changed = {**config, "mlp": {**config["mlp"], "defaults": {"epochs": 3}}, "seed": 4}
    note = config_change_note(record, changed)
    assert note.startswith("results/demo was made by another config (mlp.defaults.epochs: 20 -> 3; seed: 0 -> 4)")
    assert note.endswith("give this config a name of its own") and "\n" not in note


def test_a_batch_above_a_counted_training_set_is_said_at_planning(monkeypatch):
    monkeypatch.chdir(REPO)

    def big_batches(config, experiments):
        config["data"]["sizes"]["train"] = 1000
        config["mlp"]["defaults"]["batch_size"] = 200_000

    notes = plan_with(big_batches).notes
    assert any(note.startswith("batch_size is above the 1000 training images of data.sizes.train in ")
               and "their training jobs will refuse it" in note for note in notes)


@pytest.mark.parametrize("make, message", [
    (lambda folder: folder.mkdir(), "has no emnist-bymerge-test-images-idx3-ubyte.gz (EMNIST bymerge, part test; "
                                    "the folder holds 0 files)"),
    (lambda folder: folder.symlink_to(folder),
     "no such folder (a symbolic link that leads nowhere, or back to itself)"),
    (lambda folder: None, "no such folder"),
])
def test_a_local_source_without_the_files_fails_at_planning_naming_them(monkeypatch, tmp_path, make, message):
    monkeypatch.chdir(REPO)
    source = tmp_path / "emnist"
    make(source)

    def local(config, experiments):
        config["data"].update(source=str(source), split="bymerge", parts=["test"])

    with pytest.raises(ConfigError, match=re.escape(f"data.source {source}") + ".*" + re.escape(message)):
        plan_with(local)


def test_a_network_larger_than_the_machine_fails_at_planning(monkeypatch):
    monkeypatch.chdir(REPO)

    def huge(config, experiments):
        config["mlp"]["defaults"]["hidden"] = [100_000, 100_000]

    with pytest.raises(ConfigError, match=r"its network \(hidden \[100000, 100000\]\) needs about 200 GB to train, "
                                          r"more than this machine's [\d,]+ GB"):
        plan_with(huge)


def test_another_live_run_in_the_folder_is_named_before_snakemake_advises_unlock(tmp_path):
    (tmp_path / ".snakemake/locks").mkdir(parents=True)
    assert live_run_note(tmp_path) is None  # no lock held
    (tmp_path / ".snakemake/locks/0.input.lock").write_text("x")
    assert live_run_note(tmp_path) is None  # a lock left by a dead run: --unlock is right then
    # a process that calls itself snakemake, working in the folder
    alive = subprocess.Popen(["bash", "-c", "exec -a snakemake sleep 30"], cwd=tmp_path)
    script = subprocess.Popen(["bash", "-c", "exec -a python sleep 30"], cwd=tmp_path)  # a job script
    try:
        deadline = time.time() + 5
        while alive.pid not in live_snakemake_runs(tmp_path) and time.time() < deadline:
            time.sleep(0.05)
        assert live_snakemake_runs(tmp_path) == [alive.pid]
        assert live_run_note(tmp_path).startswith(f"another Snakemake run is working in this folder (process "
                                                  f"{alive.pid}): wait for it to end")
    finally:
        alive.kill(), script.kill()
    assert is_snakemake(["/usr/bin/python3", "-m", "snakemake", "--cores", "2"])
    assert not is_snakemake(["python", "/w/.snakemake/scripts/tmpab12.train_mlp.py"])


def test_the_longest_trainings_start_first():
    """Snakemake starts jobs of higher priority first: a training's priority is its cost, so the
    784-pixel networks go before their PCA-78 twins, and the deeper before the shallower."""
    plan = plan_with(lambda config, experiments: None)
    runs = {"raw": plan.roles["best_raw"], "pca": plan.roles["best_pca"], "deep": "h3x128", "shallow": "h1x32"}
    priority = {name: plan.training_priority("sgd_lr0.1", run) for name, run in runs.items()}
    assert priority["raw"] > priority["pca"]
    assert priority["deep"] > priority["shallow"]
    assert plan.train_curve_sample == 500  # the demo config says; without it, TRAIN_CURVE_SAMPLE
