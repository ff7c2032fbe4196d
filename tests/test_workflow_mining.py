"""The data-mining stages through Snakemake: the demo end to end, the real data at scale."""

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.image import imread

pytestmark = pytest.mark.workflow
FIGURES = ["fig12_pca_explained_variance", "fig13_class_mean_extremes",
           "fig14_distance_from_class_mean", "fig15_pca_reconstruction_rmse"]


def test_demo_mining_stages(workflow_dir):
    result = workflow_dir.run("--cores", "2", "mining", "--configfile", "config/demo.yaml")
    assert result.returncode == 0, result.output
    results = workflow_dir / "results/demo"
    for name in FIGURES:
        picture = imread(results / f"figures/{name}.png")
        assert picture.ndim == 3 and min(picture.shape[:2]) > 200 and picture.std() > 0.01
    pca = json.loads((results / "mining/pca/summary.json").read_text())
    assert pca["n_components"] == 6 and len(pca["explained_variance_ratio"]) == 64
    features = np.load(results / "mining/pca/valid.npz")["features"]
    assert features.shape == (269, 6) and features.dtype == np.float32

    # Each pruned set has exactly its target size and holds the lowest-distance images per class.
    with np.load(results / "mining/mean_distance/scores.npz") as f:
        distances = f["scores"]
    labels = np.load(results / "data/train.npz")["labels"]
    for slug, fraction in [("fraction0.94", 0.94), ("fraction0.5", 0.5)]:
        with np.load(results / f"mining/mean_distance/kept/{slug}.npz") as kept:
            indices = kept["indices"]
        assert len(indices) == round(fraction * 1259)
        for label in range(10):
            mine = labels[indices] == label
            others = np.setdiff1d(np.flatnonzero(labels == label), indices)
            if mine.any() and len(others):
                assert distances[indices[mine]].max() <= distances[others].min()
    pruned = np.load(results / "mining/rmse/fraction0.5/train.npz")
    assert pruned["features"].shape == (630, 6) and len(pruned["kept_indices"]) == 630
    rmse_base = np.load(results / "mining/rmse/scores.npz")["indices"]
    assert np.isin(pruned["kept_indices"], rmse_base).all()  # scored after the mean-distance cut

    # the random control: the class quotas of the cuts it controls, its own images in every draw
    # (memory measures the first draw, the demo's tables-3/4 network trains draws 0, 1 and 2)
    with np.load(results / "mining/mean_distance/kept/fraction0.5.npz") as cut, \
            np.load(results / "mining/random/draw0/kept/fraction0.5.npz") as draw:
        assert np.bincount(labels[draw["indices"]], minlength=10).tolist() == cut["quotas"].tolist()
        assert not np.array_equal(draw["indices"], cut["indices"])
    projected = np.load(results / "mining/random/draw0/fraction0.5/train.npz")
    assert projected["features"].shape == (630, 6)
    # EL2N: the mean of the scoring seeds, kept hard (the highest scores)
    with np.load(results / "mining/el2n/scores.npz") as scores, \
            np.load(results / "mining/el2n/kept/fraction0.5.npz") as kept:
        np.testing.assert_array_equal(scores["scores"], -scores["el2n"])
        assert len(kept["indices"]) == 630
    summary = json.loads((results / "mining/el2n/summary.json").read_text())
    assert summary["score_scale"].startswith("EL2N")

    memory = pd.read_csv(results / "mining/memory.csv")
    assert memory.variant.tolist()[:3] == ["raw", "pca", "mean_distance/fraction0.94"]
    assert len(memory) == 2 + 6 + 4 + 5 + 6  # raw, pca, mean distance, RMSE, EL2N, random
    raw = memory.set_index("variant").loc["raw"]
    assert raw.memory == 1259 * 64 and raw.share_of_raw == 1.0


def test_a_target_larger_than_the_training_set_is_a_clear_error(workflow_dir):
    config = yaml.safe_load((workflow_dir / "config/demo.yaml").read_text())
    config["mining"]["mean_distance"]["targets"][0] = {"total": 5000}
    config["mining"]["rmse"]["after"] = {"total": 5000}  # else the config check stops it first
    (workflow_dir / "big.yaml").write_text(yaml.safe_dump(config))
    result = workflow_dir.run("--cores", "1", "results/demo/mining/mean_distance/kept/total5000.npz",
                              "--configfile", "big.yaml")
    assert result.returncode != 0
    assert "target {'total': 5000} asks for 5000 samples; 1259 are available" in result.output


def test_the_full_config_plans_the_controls_at_every_target_of_the_pruning_tables(workflow_dir, shared_emnist):
    config = yaml.safe_load((workflow_dir / "config/shared_bymerge.yaml").read_text())
    config["data"]["source"] = str(shared_emnist)
    (workflow_dir / "real.yaml").write_text(yaml.safe_dump(config))
    result = workflow_dir.run("-n", "--configfile", "real.yaml")
    assert result.returncode == 0, result.output[-3000:]
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", result.output, re.MULTILINE))
    # 5 scoring seeds; 6 random targets (the mean-distance ones, which hold RMSE's and EL2N's)
    # drawn once per seed 0-2; every selected set projected
    assert jobs["el2n_scoring"] == "5" and jobs["random_subset"] == "18"
    assert jobs["project_pruned"] == str(6 + 4 + 5 + 18)
    for slug in ("total94000", "total89300", "total82000", "total70000", "total50000"):
        for setting in ("sgd_lr0.1", "adam_lr0.001"):
            for method, grid in (("random", "selection_random"), ("el2n", "selection_el2n")):
                for seed in (0, 1, 2):
                    assert f"mlp/{setting}/{grid}-input~{method}.{slug}/seed{seed}/metrics.json" in result.output
    assert "mining/random/draw2/total50000/train.npz" in result.output
