"""The training stage through Snakemake, on the offline demo data."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow


def test_training_jobs_and_a_diverging_job_still_yield_their_outputs(workflow_dir):
    config = yaml.safe_load((workflow_dir / "config/demo.yaml").read_text())
    config["mlp"]["defaults"]["epochs"] = 10
    config["mlp"]["settings"] = {"exploding": {"optimizer": "sgd", "learning_rate": 1.0e4}}
    (workflow_dir / "test.yaml").write_text(yaml.safe_dump(config))
    run_dir = workflow_dir / "results/demo/mlp"
    targets = [f"results/demo/mlp/{setting}/h1x32/seed0/metrics.json" for setting in ("adam_lr0.001", "exploding")]
    result = workflow_dir.run("--cores", "2", *targets, "--configfile", "test.yaml")
    assert result.returncode == 0, result.output[-3000:]

    trained = json.loads((run_dir / "adam_lr0.001/h1x32/seed0/metrics.json").read_text())
    assert trained["epochs_run"] == 10 and not trained["diverged"] and trained["test_acc_final"] > 0.8
    assert trained["n_train"] == 1259 and trained["macs_per_sample"] == 64 * 32 + 32 * 10
    history = pd.read_csv(run_dir / "adam_lr0.001/h1x32/seed0/history.csv")
    # spelled out here, not read from the constant the script writes with: a renamed record key
    # must fail this test, not become a column of NaN
    assert list(history.columns) == ["epoch", "train_loss", "train_acc", "valid_loss", "valid_acc",
                                     "train_running_loss", "train_running_acc", "seconds", "cpu_seconds",
                                     "train_eval_seconds"]
    assert history.notna().all().all() and history.epoch.tolist() == list(range(1, 11))
    assert history.valid_acc.iloc[-1] == pytest.approx(trained["final_valid_acc"])
    # the curve's train accuracy is the demo's 500-image sample's; the table's, the whole split's
    accuracy = trained["final_train_acc"]
    assert trained["train_curve_sample"] == 500
    assert abs(history.train_acc.iloc[-1] - accuracy) <= 4 * (accuracy * (1 - accuracy) / 500) ** 0.5 + 1e-9
    assert history.seconds.sum() == pytest.approx(trained["seconds_total"], rel=0.2)
    # every training folder keeps its per-image predictions, the metrics' accuracies to the image
    folders = [folder for folder in run_dir.glob("*/*/seed*") if (folder / "metrics.json").exists()]
    assert folders and all((folder / "predictions.npz").exists() for folder in folders)
    test_labels = np.load(workflow_dir / "results/demo/data/test.npz")["labels"]
    with np.load(run_dir / "adam_lr0.001/h1x32/seed0/predictions.npz") as predictions:
        assert predictions["test_final"].dtype == np.uint8
        assert np.mean(predictions["test_final"] == test_labels) == trained["test_acc_final"]

    exploding = json.loads((run_dir / "exploding/h1x32/seed0/metrics.json").read_text())
    assert exploding["diverged"] and exploding["epochs_run"] < 10
    assert (run_dir / "exploding/h1x32/seed0/model.npz").exists()
    log = (workflow_dir / "results/demo/logs/train_mlp/exploding/h1x32_seed0.log").read_text()
    assert "DIVERGED" in log and "epoch   1/10" in log  # every epoch is in the log, not only the shown ones
    assert "[train_mlp exploding/h1x32/seed0]" in log
