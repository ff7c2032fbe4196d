"""Figures of the paper, drawn on matplotlib figures that the caller saves (no file I/O here)."""

import matplotlib

matplotlib.use("Agg")  # figures are files, never windows
import warnings  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def explained_variance_figure(explained_variance_ratio, n_components, title):
    """Figure 12: cumulative explained variance ratio against the number of components."""
    cumulative = np.cumsum(explained_variance_ratio)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(np.arange(1, len(cumulative) + 1), cumulative, color="tab:blue")
    captured = cumulative[n_components - 1]
    ax.axvline(n_components, color="tab:red", linestyle="--", linewidth=1)
    ax.axhline(captured, color="tab:red", linestyle=":", linewidth=1)
    ax.plot([n_components], [captured], "o", color="tab:red")
    ax.annotate(f"k = {n_components}: {captured:.2%}", (n_components, captured),
                textcoords="offset points", xytext=(10, -18), color="tab:red")
    ax.set(xlabel="number of principal components", ylabel="cumulative explained variance ratio",
           title=title, ylim=(0, 1.02), xlim=(0, len(cumulative)))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def class_extremes_figure(means, images, extremes, characters, title):
    """Figure 13: per class, its mean image, its 2 closest and its 2 furthest samples.

    means : (n_classes, h, w); images : (n_samples, h, w) upright;
    extremes : {label: (closest indices, furthest indices)}
    """
    labels = list(extremes)
    columns = ["mean", "closest 1", "closest 2", "furthest 1", "furthest 2"]
    fig, axes = plt.subplots(len(labels), 5, figsize=(5 * 1.1, len(labels) * 1.15))
    axes = np.atleast_2d(axes)
    for row, label in enumerate(labels):
        closest, furthest = extremes[label]
        pictures = [means[label], *images[closest], *images[furthest]]
        for col, (ax, picture) in enumerate(zip(axes[row], pictures)):
            ax.imshow(picture, cmap="gray_r")
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(columns[col], fontsize=8)
        axes[row, 0].set_ylabel(repr(characters[label]), rotation=0, labelpad=14, fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def sorted_score_figure(curve, n_classes_at_rank, cut_ranks, ylabel, title):
    """Figures 14 and 15: a per-class sorted score averaged over classes, with the cuts marked.

    Ranks that not every class reaches (unbalanced data) are drawn dashed.
    """
    ranks = np.arange(1, len(curve) + 1)
    complete = n_classes_at_rank == n_classes_at_rank[0]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(ranks[complete], curve[complete], color="tab:blue", label="all classes")
    if not complete.all():
        ax.plot(ranks[~complete], curve[~complete], color="tab:blue", linestyle="--",
                linewidth=1, label="only the larger classes")
    for name, rank in cut_ranks.items():
        ax.axvline(rank, color="tab:red", linestyle=":", linewidth=1)
        ax.text(rank, 0.02, f" {name}", rotation=90, va="bottom", ha="right", fontsize=7,
                color="tab:red", transform=ax.get_xaxis_transform())
    ax.set(xlabel="sample rank within its class (sorted)", ylabel=ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


PALETTE = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive")


def setting_colours(settings):
    """One colour per optimizer setting, by its place among all the config's settings, so a
    setting has the same colour in every figure."""
    return {setting: PALETTE[i % len(PALETTE)] for i, setting in enumerate(settings)}


def learning_curves_figure(histories, title, colours, dropout=True):
    """Figures 1-11 and 17: train and validation loss and accuracy against the epoch.

    histories : {label: list of per-seed DataFrames (HISTORY_COLUMNS)}; several seeds are drawn
        as their mean with a band of +/- one standard deviation. Train is measured like valid
        (evaluation mode); the running train accuracy with dropout on is drawn faintly.
    colours : {label: colour}
    dropout : whether the model has dropout (names the faint running curve: with dropout on, or
        without dropout the running mean over the epoch's batches while the weights still move)
    A run that diverged is drawn for the epochs it has, up to its last finite value, and named
    in the legend as diverged.
    """
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    top = 0.0
    for label, runs in histories.items():
        colour = colours[label]
        epochs = max(len(h) for h in runs)
        diverged = any(not np.isfinite(h[["train_loss", "valid_loss"]].to_numpy()).all() for h in runs)
        suffix = " (diverged)" if diverged else ""
        running = "train, running (dropout on)" if dropout else "train, running mean over the epoch's batches"
        for column, style, alpha, name in (("train", "-", 1.0, "train"), ("valid", "--", 1.0, "valid"),
                                           ("train_running", ":", 0.45, running)):
            for ax, measure in ((loss_ax, "loss"), (acc_ax, "acc")):
                values = np.full((len(runs), epochs), np.nan)
                for i, history in enumerate(runs):
                    values[i, :len(history)] = history[f"{column}_{measure}"].to_numpy(dtype=float)
                values[~np.isfinite(values)] = np.nan
                if np.isnan(values).all():
                    continue
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # epochs no seed reached
                    mean, spread = np.nanmean(values, axis=0), np.nanstd(values, axis=0)
                x = np.arange(1, epochs + 1)
                # short runs (the quick scale: one epoch) need markers; train and valid differ in shape
                marker = {"train": "o", "valid": "s", "train_running": "^"}[column] if epochs <= 10 else None
                ax.plot(x, mean, style, color=colour, alpha=alpha, marker=marker, markersize=4,
                        label=f"{label} {name}{suffix}")
                if len(runs) > 1 and column != "train_running":
                    ax.fill_between(x, mean - spread, mean + spread, color=colour, alpha=0.15, linewidth=0)
                if measure == "loss":
                    top = max(top, float(np.nanmax(mean)))
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    acc_ax.set(xlabel="epoch", ylabel="accuracy (fraction correct)", title="accuracy")
    # a diverged run must not flatten the others
    loss_ax.set_ylim(0, min(top * 1.05, 10) if top > 0 else 1)
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not histories or top == 0:
        acc_ax.text(0.5, 0.5, "no finite value: every run diverged at once", transform=acc_ax.transAxes,
                    ha="center", va="center", color="tab:red")
    handles, labels = acc_ax.get_legend_handles_labels()
    if handles:  # below the plots: a legend never covers a curve
        fig.legend(handles, labels, loc="lower center", ncol=min(3, len(labels)), fontsize=7, frameon=False)
    fig.suptitle(title, fontsize=10)
    rows = -(-len(labels) // 3) if handles else 0
    fig.tight_layout(rect=(0, 0.04 * rows + 0.02, 1, 1))
    return fig


def paper_vs_ours_figure(panels, colours):
    """Figure 0: every row of the paper's tables beside ours, one panel per table.

    panels : {title: DataFrame with columns label (the row, e.g. '5 3x128, dropout 0.75: train'),
        paper, setting, mean, ci (95% half width, NaN for one seed), n_seeds}
    colours : {setting: colour}
    """
    heights = [max(len(panel.label.unique()), 1) for panel in panels.values()]
    left = heights[0]
    right = sum(heights[1:])
    fig = plt.figure(figsize=(13, 0.24 * max(left, right) + 2.2))
    grid = fig.add_gridspec(max(len(heights) - 1, 1), 2, height_ratios=heights[1:] or [1], width_ratios=(1.1, 1))
    axes = [fig.add_subplot(grid[:, 0])] + [fig.add_subplot(grid[i, 1]) for i in range(len(heights) - 1)]
    settings = []
    for ax, (title, panel) in zip(axes, panels.items()):
        labels = list(dict.fromkeys(panel.label))
        y = {label: i for i, label in enumerate(labels)}
        paper = panel.drop_duplicates("label")
        ax.scatter(paper.paper, [y[label] for label in paper.label], marker="D", color="black", s=22,
                   label="paper", zorder=3)
        offsets = np.linspace(-0.2, 0.2, max(panel.setting.nunique(), 1))
        for offset, (setting, group) in zip(offsets, panel.groupby("setting", sort=False)):
            settings.append(setting)
            ys = [y[label] + offset for label in group.label]
            ax.errorbar(group["mean"], ys, xerr=group.ci.fillna(0), fmt="o", color=colours[setting],
                        markersize=4, capsize=2, label=setting, zorder=2)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("accuracy (fraction correct)")
        ax.set_title(title, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(names), fontsize=8, frameon=False)
    fig.suptitle("The paper's tables beside this reproduction: mean over seeds, bars = 95% interval "
                 "(none with one seed)", fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    return fig


def pareto_front(points):
    """Indices of the points not dominated in (lower memory, higher accuracy), by memory."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], -points[i][1]))
    front, best = [], -np.inf
    for i in order:
        if points[i][1] > best:
            front.append(i)
            best = points[i][1]
    return front


def memory_accuracy_figure(points, title, colours):
    """Test accuracy against training-set memory, one point per input variant and setting,
    with each setting's Pareto front (less memory and more accuracy are both better).

    points : DataFrame with columns setting, variant, memory_mb, test_acc
    colours : {setting: colour}
    Each variant is named once, beside its best point; neighbours alternate above and below.
    """
    fig, ax = plt.subplots(figsize=(8, 5.2))
    for setting, group in points.groupby("setting", sort=False):
        group = group.reset_index(drop=True)
        ax.scatter(group.memory_mb, group.test_acc, color=colours[setting], label=setting, zorder=3)
        front = group.loc[pareto_front(list(zip(group.memory_mb, group.test_acc)))]
        ax.step(front.memory_mb, front.test_acc, where="post", color=colours[setting], alpha=0.6)
    best = points.loc[points.groupby("variant").test_acc.idxmax()].sort_values("memory_mb") if len(points) else points
    for i, row in enumerate(best.itertuples()):
        short = row.variant.replace("mean_distance/", "md ").replace("rmse/", "rmse ")
        ax.annotate(short, (row.memory_mb, row.test_acc), fontsize=7, textcoords="offset points",
                    xytext=(4, 8 if i % 2 else -12), arrowprops={"arrowstyle": "-", "alpha": 0.4, "linewidth": 0.5})
    ax.set(xlabel="training set in memory + PCA transform (MB)", ylabel="test accuracy (fraction correct)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.margins(x=0.08, y=0.1)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
