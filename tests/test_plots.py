"""Figures a reader can read: diverged runs drawn (not a crash), whole-number epochs, a legend
that covers no curve, one colour per setting everywhere."""

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.text import Text

from leanmlp.nn.training import HISTORY_COLUMNS
from leanmlp.report.plots import learning_curves_figure, memory_accuracy_figure, paper_vs_ours_figure, setting_colours


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


def overlapping(texts, renderer):
    """Pairs of drawn texts whose boxes overlap."""
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text() and t.get_visible()]
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if box_a.overlaps(box_b)]


def drawn_tick_labels(axis, limits):
    low, high = sorted(limits)
    return [label for tick, label in zip(axis.get_ticklocs(), axis.get_ticklabels(), strict=True)
            if low <= tick <= high]


def figure_texts(figure):
    """Every text a reader sees on the figure: titles, axis labels, the tick labels inside each
    axis's limits (matplotlib keeps others it does not draw), legends, notes."""
    tick_labels = {id(label) for ax in figure.findobj(Axes) for axis in (ax.xaxis, ax.yaxis)
                   for label in axis.get_ticklabels()}
    drawn = [label for ax in figure.findobj(Axes)
             for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim()))
             for label in drawn_tick_labels(axis, limits)]
    others = [text for text in figure.findobj(Text) if id(text) not in tick_labels]
    return [text for text in [*others, *drawn] if text.get_text().strip() and text.get_visible()]


def unreadable(figure, margin=4):
    """(pairs of texts that overlap, texts that run off the figure or touch its edge): both
    empty for a figure a person can read."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    texts = figure_texts(figure)
    outside = [t.get_text() for t in texts
               if (box := t.get_window_extent(renderer)).x0 < frame.x0 + margin or box.x1 > frame.x1 - margin
               or box.y0 < frame.y0 + margin or box.y1 > frame.y1 - margin]
    return overlapping(texts, renderer), outside


@pytest.mark.parametrize("n_seeds", [1, 3])
def test_figure_0_titles_lie_inside_the_figure_and_every_row_is_labelled(n_seeds):
    panel = pd.DataFrame([{"label": f"{row} 3x128, dropout keep 0.75: valid", "paper": 0.8, "setting": setting,
                           "mean": 0.81, "ci": math.nan if n_seeds == 1 else 0.01, "n_seeds": n_seeds}
                          for row in (1, 2) for setting in ("sgd", "adam")])
    long_title = "Table 3: 3x128, dropout keep 0.75, L1 1e-05, on each training set below"
    figure = paper_vs_ours_figure({"Table 1": panel, long_title: panel, "Table 4": panel}, COLOURS)
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    for ax in figure.axes:
        box = ax.title.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, ax.title.get_text()
        assert [t.get_text() for t in ax.get_yticklabels()] == ["1 3x128, dropout keep 0.75: valid",
                                                                  "2 3x128, dropout keep 0.75: valid"]
    assert figure.axes[1].title.get_text().replace("\n", " ") == long_title
    assert unreadable(figure) == ([], [])


def test_figure_0_draws_every_point_near_a_perfect_score_inside_its_panel():
    panel = pd.DataFrame([{"label": f"{row} 3x128, dropout keep 0.5, L1 0.0001: train", "paper": 0.7,
                           "setting": "sgd", "mean": 0.998, "ci": 0.004, "n_seeds": 3} for row in range(1, 31)])
    figure = paper_vs_ours_figure({"Table 1": panel, "Table 3": panel.head(4)}, COLOURS)
    assert unreadable(figure) == ([], [])
    for ax in figure.axes:
        low, high = ax.get_xlim()
        assert low < 0.7 and high >= 0.998 + 0.004


@pytest.mark.parametrize("scale", ["full", "demo"])
def test_figure_16_names_every_target_once_without_overlap_and_explains_its_lines(scale):
    # the published run's sizes (MB), and the demo's: a raw set several times the PCA sets
    variants = (("raw", 78.4, 0.86), ("pca", 31.4, 0.87), ("mean_distance/total94000", 29.5, 0.866),
                ("rmse/total89300", 28.0, 0.865), ("mean_distance/total89300", 28.0, 0.862),
                ("rmse/total82000", 25.8, 0.861), ("mean_distance/total82000", 25.8, 0.858),
                ("random/total82000", 25.8, 0.866), ("el2n/total82000", 25.8, 0.863),
                ("mean_distance/total70000", 22.1, 0.79), ("rmse/total70000", 22.1, 0.83),
                ("mean_distance/total50000", 15.8, 0.71), ("mean_distance/proportional0.5", 15.8, 0.75))
    if scale == "demo":
        variants = tuple((v.replace("total94000", "fraction0.94").replace("total89300", "fraction0.893"), m / 1000, a)
                         for v, m, a in variants)
    points = pd.DataFrame([{"setting": s, "variant": v, "memory_mb": m, "test_acc": a - (0.01 if s == "sgd" else 0)}
                           for s in ("sgd", "adam") for v, m, a in variants])
    figure = memory_accuracy_figure(points, "Figure 16: test accuracy against training-set memory", COLOURS)
    ax = figure.axes[0]
    # every pruned size named once on the top axis, all its methods' targets in one label
    top = next(child for child in ax.child_axes)
    targets = [t.get_text() for t in top.get_xticklabels()]
    assert len(targets) == 5 and len(set(targets)) == 5
    assert any("50,000" in t and "0.5" in t for t in targets) or scale == "demo"
    assert unreadable(figure) == ([], [])
    # the x axis spans the points, not an empty stretch: on a log scale the PCA sets take a third or more
    low, high = ax.get_xlim()
    spanned = math.log(points.memory_mb.max() / points.memory_mb.min())
    assert spanned / math.log(high / low) > 0.8
    legend = next(child for child in figure.get_children() if isinstance(child, Legend))
    names = [t.get_text() for t in legend.get_texts()]
    assert any(name.startswith("sgd: Pareto front") for name in names)
    assert "PCA on a set pruned by distance to the class mean" in names and "raw pixels, every training image" in names
    assert "PCA on a random subset with the same class quotas" in names
    assert sum(len(collection.get_offsets()) for collection in ax.collections) == len(points)
