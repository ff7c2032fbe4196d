"""The paper's whole matrix at quick scale (config/quick.yaml) on the real EMNIST partition."""

import json

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow


def test_quick_paper_matrix_on_real_emnist(workflow_dir, shared_emnist):
    config = yaml.safe_load((workflow_dir / "config/shared_bymerge.yaml").read_text())
    config["data"]["source"] = str(shared_emnist)
    (workflow_dir / "real.yaml").write_text(yaml.safe_dump(config))
    result = workflow_dir.run("--cores", "2", "--configfile", "real.yaml", "config/quick.yaml")
    assert result.returncode == 0, result.output[-4000:]
    assert "quick mode: 1 epoch per run, only its first 1 seed" in result.output
    results = workflow_dir / "results/shared_bymerge_quick"

    pca = json.loads((results / "mining/pca/summary.json").read_text())
    assert pca["n_components"] == 78 and 0.92 < pca["variance_captured"] < 0.93
    memory = pd.read_csv(results / "mining/memory.csv").set_index("variant")
    assert memory.loc["mean_distance/total89300", "n_samples"] == 89300
    assert memory.loc["rmse/total50000", "n_samples"] == 50000

    jobs = pd.read_csv(results / "tables/mlp_jobs.csv")
    # every (setting, run) once (config/quick.yaml: the first seed of each): 41 runs under both
    # default settings, 5 under 6 settings of their own
    assert len(jobs) == 88 and (jobs.epochs_run == 1).all() and (jobs.seed == 0).all()
    assert memory.loc["random/total50000", "n_samples"] == memory.loc["el2n/total50000", "n_samples"] == 50000
    # Adam at the paper's stated lr 0.1 collapses to (nearly) one class on real EMNIST
    record = jobs[jobs.run == "best_adam_lr0.1"].iloc[0]
    assert record.final_valid_acc < 0.07
    assert jobs[(jobs.run == "h3x128") & (jobs.setting == "adam_lr0.001")].final_valid_acc.iloc[0] > 0.6
    table3 = pd.read_csv(results / "tables/table3.csv")
    assert table3[table3.setting == "adam_lr0.001"].n_train.tolist() == [100000, 94000, 89300, 82000, 70000, 50000]
    baselines = pd.read_csv(results / "tables/table2.csv")
    measured = baselines[baselines.setting == "—"]  # the baselines have no optimizer setting
    assert len(measured) == 8 and (measured.ours_valid > 0.3).all()
    report = (results / "report.md").read_text()
    assert "collapsed to (nearly) one class" in report and "**Scale: smoke test.**" in report
