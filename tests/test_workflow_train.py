"""The training stage through Snakemake, on the offline demo data."""

import json

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow


def test_training_runs_and_a_diverging_run_still_yields_its_outputs(workflow_dir):
    config = yaml.safe_load((workflow_dir / "config/demo.yaml").read_text())
    config["mlp"]["defaults"]["epochs"] = 10
    config["mlp"]["runs"] = {"small": {"hidden": [32]},
                             "exploding": {"hidden": [32], "optimizer": "sgd", "learning_rate": 1.0e4}}
    (workflow_dir / "test.yaml").write_text(yaml.safe_dump(config))
    result = workflow_dir.run("--cores", "2", "mlp", "--configfile", "test.yaml")
    assert result.returncode == 0, result.output
    run_dir = workflow_dir / "results/demo/mlp"
    small = json.loads((run_dir / "small/seed0/metrics.json").read_text())
    assert small["epochs_run"] == 10 and not small["diverged"] and small["test_acc_final"] > 0.5
    history = pd.read_csv(run_dir / "small/seed0/history.csv")
    assert list(history.columns) == ["epoch", "train_loss", "train_acc", "valid_loss", "valid_acc", "seconds"]
    exploding = json.loads((run_dir / "exploding/seed0/metrics.json").read_text())
    assert exploding["diverged"] and exploding["epochs_run"] < 10
    assert (run_dir / "exploding/seed0/model.npz").exists()
    log = (workflow_dir / "results/demo/logs/train_mlp/exploding_seed0.log").read_text()
    assert "DIVERGED" in log and "epoch   1" in log
