"""Figures a reader can read: diverged runs drawn (not a crash), whole-number epochs, a legend
that covers no curve, one colour per setting everywhere."""

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.legend import Legend

from leanmlp.plots import learning_curves_figure, memory_accuracy_figure, paper_vs_ours_figure, setting_colours
from leanmlp.training import HISTORY_COLUMNS


def history(epochs, blow_up_at=None):
    rows = []
    for epoch in range(1, epochs + 1):
        bad = blow_up_at is not None and epoch >= blow_up_at
        loss = math.nan if bad else 1.0 / epoch
        rows.append({"epoch": epoch, "train_loss": loss, "train_acc": 0.1 if bad else 0.5 + 0.01 * epoch,
                     "valid_loss": loss, "valid_acc": 0.5, "train_running_loss": loss,
                     "train_running_acc": 0.4, "seconds": 1.0, "train_eval_seconds": 0.1})
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


COLOURS = setting_colours(["sgd", "adam", "adam_lr0.1"])


def test_a_figure_whose_runs_all_diverged_at_once_is_still_drawn():
    figure = learning_curves_figure({"sgd": [history(1, blow_up_at=1)] * 3}, "all diverged", COLOURS)
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert any("every run diverged" in t for t in texts)


def test_a_diverged_run_is_drawn_up_to_its_last_finite_epoch_and_named():
    figure = learning_curves_figure({"sgd": [history(7, blow_up_at=4)], "adam": [history(20)]}, "t", COLOURS)
    legend = next(child for child in figure.get_children() if isinstance(child, Legend))
    labels = [t.get_text() for t in legend.get_texts()]
    assert "sgd train (diverged)" in labels and "adam valid" in labels
    loss_ax, acc_ax = figure.axes
    sgd_train = next(line for line in loss_ax.get_lines() if line.get_label() == "sgd train (diverged)")
    assert np.isfinite(sgd_train.get_ydata()[:3]).all() and np.isnan(sgd_train.get_ydata()[3:]).all()
    ticks = acc_ax.get_xticks()
    assert np.allclose(ticks, np.round(ticks))  # whole epochs only
    assert legend.axes is None  # the legend is the figure's, below the plots, not on a curve


def test_one_epoch_runs_show_train_and_valid_apart():
    figure = learning_curves_figure({"sgd": [history(1)]}, "quick", COLOURS)
    markers = {line.get_label(): line.get_marker() for line in figure.axes[1].get_lines()}
    assert markers["sgd train"] != markers["sgd valid"]


@pytest.mark.parametrize("dropout, running", [(True, "sgd train, running (dropout on)"),
                                               (False, "sgd train, running mean over the epoch's batches")])
def test_the_running_curve_says_dropout_only_for_a_model_with_dropout(dropout, running):
    figure = learning_curves_figure({"sgd": [history(20)]}, "t", COLOURS, dropout=dropout)
    legend = next(child for child in figure.get_children() if isinstance(child, Legend))
    labels = [t.get_text() for t in legend.get_texts()]
    assert running in labels and sum("dropout" in label for label in labels) == int(dropout)


def test_colours_follow_the_setting_not_the_figure():
    assert setting_colours(["a", "b", "c"])["c"] == setting_colours(["a", "b", "c", "d"])["c"]


@pytest.mark.parametrize("n_seeds", [1, 3])
def test_paper_vs_ours_and_memory_figures_draw(n_seeds):
    panel = pd.DataFrame([{"label": f"{row} model", "paper": 0.8, "setting": setting, "mean": 0.81,
                           "ci": math.nan if n_seeds == 1 else 0.01, "n_seeds": n_seeds}
                          for row in (1, 2) for setting in ("sgd", "adam")])
    figure = paper_vs_ours_figure({"Table 1": panel, "Table 3": panel, "Table 4": panel}, COLOURS)
    assert len(figure.axes) == 3
    points = pd.DataFrame([{"setting": s, "variant": v, "memory_mb": m, "test_acc": a}
                           for s in ("sgd", "adam") for v, m, a in (("raw", 78, 0.86), ("pca", 31, 0.87))])
    assert memory_accuracy_figure(points, "t", COLOURS).axes
