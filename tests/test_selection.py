"""The random control and the EL2N score: what they keep, and what they rank hardest."""

import re

import numpy as np
import pandas as pd
import pytest

from leanmlp.exceptions import ConfigError, DataFormatError
from leanmlp.mining.el2n import el2n, mean_score, score_by_training, selection_scores
from leanmlp.mining.pruning import class_quotas, prune_to_target
from leanmlp.mining.random_control import draw_method, draw_rng, random_subset
from leanmlp.mining.selection import check_controls, controllers, method_slugs
from leanmlp.nn.data_providers import scale_pixels
from leanmlp.report.plots import selection_figure
from leanmlp.report.selection import selection_markdown, selection_points, series_name

LABELS = np.repeat(np.arange(4), [40, 25, 60, 10])


def test_a_random_set_keeps_exactly_the_quotas_of_the_target_it_controls():
    # the quotas of a mean-distance cut, then three draws with them
    scores = np.random.default_rng(5).random(len(LABELS))
    quotas, kept = prune_to_target(scores, LABELS, 4, {"total": 80}, len(LABELS))
    draws = [random_subset(LABELS, quotas, draw_rng(0, draw, "total80")) for draw in range(3)]
    for indices in draws:
        assert np.bincount(LABELS[indices], minlength=4).tolist() == quotas.tolist()
        assert len(np.unique(indices)) == len(indices) == 80
    # each draw its own images, none of them the selected set, and the same draw again is the same
    assert len({tuple(indices) for indices in draws}) == 3
    assert not any(np.array_equal(indices, kept) for indices in draws)
    assert np.array_equal(draws[1], random_subset(LABELS, quotas, draw_rng(0, 1, "total80")))
    assert not np.array_equal(draws[1], random_subset(LABELS, quotas, draw_rng(1, 1, "total80")))
    assert draw_method(2) == "random/draw2"


def test_a_random_draw_is_uniform_inside_each_class():
    # every image of a class is kept about quota/size of the time over many draws
    quotas = np.array([10, 5, 30, 2])
    counts = np.zeros(len(LABELS))
    for draw in range(400):
        counts[random_subset(LABELS, quotas, draw_rng(0, draw, "t"))] += 1
    expected = (quotas / np.bincount(LABELS))[LABELS] * 400
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected.max())


def test_a_cut_of_a_cut_keeps_the_quotas_of_the_same_target_on_the_full_set():
    # RMSE scores the set left by a mean-distance cut; its totals must keep the same quotas a
    # random set drawn from the full set keeps, or one random set could not control both
    sizes = np.array([358, 5518, 2100, 900, 4000, 2500, 1200])
    reference = int(sizes.sum())
    after = class_quotas(sizes, {"total": 15000}, reference)
    for target in ({"total": 14000}, {"total": 9000}, {"fraction": 0.5}, {"per_class": 700}):
        assert class_quotas(after, target, reference).tolist() == class_quotas(sizes, target, reference).tolist()


def test_a_random_draw_asks_no_more_than_a_class_holds():
    with pytest.raises(DataFormatError, match="more images of a class than the training set holds"):
        random_subset(LABELS, np.array([41, 0, 0, 0]), draw_rng(0, 0, "t"))


def test_one_random_set_cannot_control_a_proportional_rmse_target_and_another():
    mining = {"mean_distance": {"targets": [{"proportional": 0.5}]},
              "rmse": {"after": {"proportional": 0.5}, "targets": [{"proportional": 0.5}]},
              "el2n": {"targets": [{"total": 9}]}, "random": {"controls": ["mean_distance", "rmse"]}}
    with pytest.raises(ConfigError, match="rmse's proportional0.5 keeps that share of the set mining.rmse.after "
                                          "leaves, mean_distance's of the full training set"):
        check_controls(mining)
    check_controls({**mining, "random": {"controls": ["mean_distance", "el2n"]}})


def test_el2n_is_zero_for_a_sure_right_answer_and_root_two_for_a_sure_wrong_one():
    logits = np.array([[50.0, 0.0, 0.0], [0.0, 50.0, 0.0], [0.0, 0.0, 0.0]])
    scores = el2n(logits, np.array([0, 0, 2]))
    assert scores.dtype == np.float32
    np.testing.assert_allclose(scores, [0.0, np.sqrt(2), np.sqrt(2 / 3)], atol=1e-6)


def test_el2n_ranks_a_deliberately_mislabelled_image_hardest():
    rng = np.random.default_rng(0)
    centres = np.array([[2.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0]])
    labels = np.repeat(np.arange(3), 100)
    inputs = (centres[labels] + rng.normal(0, 0.5, (300, 4))).astype(np.float32)
    wrong = 17  # an image of class 0 labelled as class 2
    labels[wrong] = 2
    hyperparameters = {"hidden": [16], "optimizer": "sgd", "learning_rate": 0.1, "batch_size": 10, "epochs": 5}
    scores = np.mean([score_by_training(hyperparameters, inputs, labels, 3, seed) for seed in range(3)], axis=0)
    assert np.argmax(scores) == wrong
    # keep hard: the prune stage keeps the lowest selection score, so the mislabelled image first
    assert np.argmin(selection_scores(scores, "hard")) == wrong
    assert np.argmax(selection_scores(scores, "easy")) == wrong
    with pytest.raises(ConfigError, match="el2n.keep"):
        selection_scores(scores, "medium")


def test_a_diverged_scoring_network_is_left_out_of_the_mean_and_all_diverged_is_refused():
    scores = {0: np.array([0.1, 0.3], np.float32), 3: np.array([0.1, np.nan], np.float32),
              4: np.array([0.3, 0.5], np.float32)}
    mean, used = mean_score(scores)
    np.testing.assert_allclose(mean, [0.2, 0.4])
    assert used == [0, 4] and mean.dtype == np.float32
    with pytest.raises(ConfigError, match=r"diverged under every scoring seed \(3\): give mining.el2n.scoring"):
        mean_score({3: scores[3]})


MINING = {"mean_distance": {"targets": [{"total": 90}, {"total": 50}, {"proportional": 0.5}]},
          "rmse": {"after": {"total": 90}, "targets": [{"total": 50}, {"total": 30}]},
          "el2n": {"targets": [{"total": 90}]},
          "random": {"controls": ["mean_distance", "rmse"]}}


def test_the_random_control_takes_every_target_of_what_it_controls_once():
    slugs = method_slugs(MINING)
    assert slugs["random"] == ["total90", "total50", "proportional0.5", "total30"]
    assert slugs["el2n"] == ["total90"]
    assert controllers(MINING, "total50") == ["mean_distance", "rmse"]
    assert controllers(MINING, "total30") == ["rmse"]


def jobs_of(rows):
    return pd.DataFrame([{"setting": setting, "run": run, "seed": seed, "n_train": n, "test_acc_final": acc}
                         for setting, run, n, accuracies in rows for seed, acc in enumerate(accuracies)])


def test_the_selection_points_and_table_follow_one_network_over_every_set():
    jobs = jobs_of([("sgd", "full", 100, [0.90, 0.92]), ("sgd", "md50", 50, [0.70, 0.72]),
                    ("sgd", "rand50", 50, [0.85, 0.89]), ("sgd", "prop", 50, [0.80]),
                    ("sgd", "other_model", 50, [0.1])])
    points = selection_points(jobs, {"md50": "mean_distance/total50", "rand50": "random/total50",
                                     "prop": "mean_distance/proportional0.5"}, "full", ["sgd"])
    assert set(points.run) == {"full", "md50", "rand50", "prop"}
    random = points.set_index("run").loc["rand50"]
    assert (random.share_kept, random.test_acc, random.test_acc_low, random.test_acc_high, random.n_seeds) == \
        (0.5, pytest.approx(0.87), 0.85, 0.89, 2)
    assert points.run.tolist() == ["full", "md50", "prop", "rand50"]
    assert series_name("mean_distance", True) == "distance to the class mean, class-proportional"
    table = selection_markdown(points)
    assert re.search(r"\|\s+50 \| random subset \(same class quotas\)", table)
    assert "0.8700 (0.8500 to 0.8900, 2 seeds)" in table and "0.8000 (1 seed)" in table
    figure = selection_figure(points, "Figure 18: test")
    axis = figure.axes[0]
    assert axis.get_title() == "sgd"
    assert {line.get_label() for line in axis.get_lines()} >= {"random subset (same class quotas)",
                                                                "distance to the class mean",
                                                                "full training set (100 images)"}


def test_el2n_scores_pixels_as_the_trainer_sees_them():
    # uint8 pixels are scaled per batch in training; the scoring pass must scale them alike
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (60, 12), dtype=np.uint8)
    labels = rng.integers(0, 3, 60)
    hyperparameters = {"hidden": [8], "optimizer": "sgd", "learning_rate": 0.1, "batch_size": 10, "epochs": 2}
    np.testing.assert_allclose(score_by_training(hyperparameters, pixels, labels, 3, 0),
                               score_by_training(hyperparameters, scale_pixels(pixels), labels, 3, 0), rtol=1e-5)
