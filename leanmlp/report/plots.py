"""Figures of the paper, drawn on matplotlib figures that the caller saves (no file I/O here)."""

import matplotlib

matplotlib.use("Agg")  # figures are files, never windows
import textwrap  # noqa: E402
import warnings  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def explained_variance_figure(explained_variance_ratio: np.ndarray, n_components: int, title: str) -> Figure:
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


def class_extremes_figure(means: np.ndarray, images: np.ndarray, extremes: dict, characters: tuple[str, ...],
                          title: str) -> Figure:
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
        for col, (ax, picture) in enumerate(zip(axes[row], pictures, strict=True)):
            ax.imshow(picture, cmap="gray_r")
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(columns[col], fontsize=8)
        axes[row, 0].set_ylabel(repr(characters[label]), rotation=0, labelpad=14, fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def sorted_score_figure(positions: np.ndarray, mean: np.ndarray, low: np.ndarray, high: np.ndarray,
                        kept_shares: dict[str, list[float]], ylabel: str, title: str) -> Figure:
    """Figures 14 and 15: every class's scores sorted and read at the same share of the class,
    averaged over classes (with the 10th-90th percentile band), and for each pruning target the
    share of its class that each class keeps: one bar from the smallest to the largest share,
    a dot at the median. kept_shares : {target label: (n_classes,) kept / class size}.
    """
    n_targets = max(len(kept_shares), 1)
    fig, (ax, cuts) = plt.subplots(2, 1, sharex=True, figsize=(7, 4.2 + 0.3 * n_targets),
                                   gridspec_kw={"height_ratios": [4, 0.6 + 0.35 * n_targets]})
    ax.fill_between(positions, low, high, color="tab:blue", alpha=0.2, label="10th to 90th percentile over classes")
    ax.plot(positions, mean, color="tab:blue", label="mean over classes")
    ax.set(ylabel=ylabel)
    ax.set_title(textwrap.fill(title, 70), fontsize=10)  # wrapped: a long title never runs off the figure
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    # the pruning targets in a panel of their own, so no label can cover the curve
    for i, (_name, shares) in enumerate(kept_shares.items()):
        shares = np.asarray(shares)
        median = float(np.median(shares))
        cuts.errorbar([median], [i], xerr=[[median - shares.min()], [shares.max() - median]], fmt="o",
                      color="tab:red", capsize=3, markersize=4)
    cuts.set_yticks(range(len(kept_shares)), [f"{name} ({np.min(s):.0%}-{np.max(s):.0%})"
                                                for name, s in kept_shares.items()], fontsize=7)
    cuts.set_ylim(len(kept_shares) - 0.5, -0.5)
    cuts.set_title("kept per class by each target: smallest to largest share, dot at the median", fontsize=8)
    cuts.grid(alpha=0.3, axis="x")
    cuts.set(xlabel="position within its class (share of the class, lowest score first)", xlim=(0, 1))
    cuts.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    fig.tight_layout()
    return fig


PALETTE = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive")


def setting_colours(settings: list[str]) -> dict[str, str]:
    """One colour per optimizer setting, by its place among all the config's settings, so a
    setting has the same colour in every figure."""
    return {setting: PALETTE[i % len(PALETTE)] for i, setting in enumerate(settings)}


def draw_curve(ax: plt.Axes, runs: list[pd.DataFrame], column: str, colour: str, look: tuple[str, float, str],
               label: str, band: bool) -> float | None:
    """One history column over epochs: the mean over the seeds, and (band) +/- one population
    standard deviation; look : (line style, alpha, marker for short runs). Returns the mean's
    highest value, None where no seed has a finite one."""
    epochs = max(len(h) for h in runs)
    values = np.full((len(runs), epochs), np.nan)
    for i, history in enumerate(runs):
        values[i, :len(history)] = history[column].to_numpy(dtype=float)
    values[~np.isfinite(values)] = np.nan
    if np.isnan(values).all():
        return None
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # epochs no seed reached
        mean, spread = np.nanmean(values, axis=0), np.nanstd(values, axis=0)
    x = np.arange(1, epochs + 1)
    style, alpha, marker = look
    # short runs (the quick scale: one epoch) need markers; train and valid differ in shape
    ax.plot(x, mean, style, color=colour, alpha=alpha, marker=marker if epochs <= 10 else None, markersize=4,
            label=label)
    if len(runs) > 1 and band:
        ax.fill_between(x, mean - spread, mean + spread, color=colour, alpha=0.15, linewidth=0)
    return float(np.nanmax(mean))


def learning_curves_figure(histories: list[dict], title: str, colours: dict[str, str], dropout: bool = True,
                           majority_share: float | None = None, train_sample: int | None = None) -> Figure:
    """Figures 1-11 and 17: train and validation loss and accuracy against the epoch.

    histories : {label: list of per-seed DataFrames (HISTORY_COLUMNS)}; several seeds are drawn
        as their mean with a band of +/- one standard deviation. Train is measured like valid
        (evaluation mode); the running train accuracy with dropout on is drawn faintly.
    train_sample : the most training images the train curve is measured on (a fixed stratified
        sample of each seed; see ``leanmlp.nn.training.TrainEvaluation``), named in the legend
    colours : {label: colour}
    dropout : whether the model has dropout (names the faint running curve: with dropout on, or
        without dropout the running mean over the epoch's batches while the weights still move)
    majority_share : if given, the valid accuracy of always guessing the most common class,
        drawn as a grey line (what a collapsed network scores)
    A run that diverged is drawn for the epochs it has, up to its last finite value, and named
    in the legend as diverged. Bands are +/- one population standard deviation (ddof 0).
    """
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    top = 0.0
    running = "train, running (dropout on)" if dropout else "train, running mean over the epoch's batches"
    train = "train" if train_sample is None else f"train (sample of at most {train_sample:,} images)"
    curves = (("train", "-", 1.0, train), ("valid", "--", 1.0, "valid"), ("train_running", ":", 0.45, running))
    for label, runs in histories.items():
        diverged = any(not np.isfinite(h[["train_loss", "valid_loss"]].to_numpy()).all() for h in runs)
        for column, style, alpha, name in curves:
            for ax, measure in ((loss_ax, "loss"), (acc_ax, "acc")):
                drawn = draw_curve(ax, runs, f"{column}_{measure}", colours[label],
                                   (style, alpha, {"train": "o", "valid": "s", "train_running": "^"}[column]),
                                   f"{label} {name}{' (diverged)' if diverged else ''}", column != "train_running")
                if measure == "loss" and drawn is not None:
                    top = max(top, drawn)
    if majority_share is not None:
        acc_ax.axhline(majority_share, color="grey", linestyle="-.", linewidth=1,
                       label=f"always the most common class ({majority_share:.3f})")
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
    wrapped = textwrap.fill(title, 110)  # a long title on two lines rather than cut at the edges
    fig.suptitle(wrapped, fontsize=10)
    rows = -(-len(labels) // 3) if handles else 0
    fig.tight_layout(rect=(0, 0.04 * rows + 0.02, 1, 1 - 0.035 * wrapped.count("\n")))
    return fig


def paper_vs_ours_figure(panels: dict[str, pd.DataFrame], colours: dict[str, str]) -> Figure:
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
    for ax, (title, panel) in zip(axes, panels.items(), strict=True):
        labels = list(dict.fromkeys(panel.label))
        y = {label: i for i, label in enumerate(labels)}
        paper = panel.drop_duplicates("label")
        ax.scatter(paper.paper, [y[label] for label in paper.label], marker="D", color="black", s=22,
                   label="paper", zorder=3)
        offsets = np.linspace(-0.2, 0.2, max(panel.setting.nunique(), 1))
        for offset, (setting, group) in zip(offsets, panel.groupby("setting", sort=False), strict=True):
            settings.append(setting)
            ys = [y[label] + offset for label in group.label]
            ax.errorbar(group["mean"], ys, xerr=group.ci.fillna(0), fmt="o", color=colours[setting],
                        markersize=4, capsize=2, label=setting, zorder=2)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("accuracy (fraction correct)")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(6))  # a narrow range keeps its labels apart
        ax.set_title(textwrap.fill(title, 60), fontsize=9)  # a long model name wraps, never runs off
        ax.grid(axis="x", alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(names), fontsize=8, frameon=False)
    fig.suptitle("The paper's tables beside this reproduction: mean over seeds, bars = 95% interval "
                 "(none with one seed)", fontsize=10)
    fig.tight_layout(rect=(0.01, 0.04, 0.99, 0.97), pad=1.5)  # the longest row label clear of the edge
    return fig


def pareto_front(points: list[tuple[float, float]]) -> list[int]:
    """Indices of the points not dominated in (lower memory, higher accuracy), by memory."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], -points[i][1]))
    front, best = [], -np.inf
    for i in order:
        if points[i][1] > best:
            front.append(i)
            best = points[i][1]
    return front


# Figure 16's marker per kind of training set, by the prefix of its input variant.
VARIANT_KINDS = {"raw": ("s", "raw pixels, every training image"),
                 "pca": ("D", "PCA features, every training image"),
                 "mean_distance": ("o", "PCA on a set pruned by distance to the class mean"),
                 "rmse": ("^", "PCA on a set pruned by PCA reconstruction error"),
                 "el2n": ("v", "PCA on a set selected by EL2N (the field's score)"),
                 "random": ("x", "PCA on a random subset with the same class quotas")}


def variant_kind(variant: str) -> str:
    return variant.split("/")[0]


def variant_target(variant: str) -> str:
    """The pruning target's number: 'mean_distance/total94000' -> '94,000'; 'raw' -> ''."""
    target = variant.partition("/")[2]
    value = target[len(target.rstrip("0123456789.")):]
    return f"{float(value):,g}" if value else target


def target_ticks(points: pd.DataFrame) -> dict[float, str]:
    """{memory: the pruning targets of that size} of the pruned sets: every method cut to one
    target keeps the same number of images, so one tick names them all."""
    pruned = points[~points.variant.map(variant_kind).isin(("raw", "pca"))]
    ticks = {}
    for memory, variants in pruned.groupby("memory_mb").variant:
        ticks[float(memory)] = " / ".join(dict.fromkeys(variant_target(v) for v in variants))
    return ticks


def memory_accuracy_figure(points: pd.DataFrame, title: str, colours: dict[str, str]) -> Figure:
    """Test accuracy against training-set memory (log scale: the raw pixels take several times
    the PCA sets'), one point per input variant and setting, with each setting's Pareto front
    (less memory and more accuracy are both better).

    points : DataFrame with columns setting, variant, memory_mb, test_acc
    colours : {setting: colour}
    The marker says how the training set was made; the top axis names the pruning target of
    each pruned size (every method cut to one target keeps as many images, so as much memory).
    """
    fig, ax = plt.subplots(figsize=(9, 6.2))
    for setting, group in points.groupby("setting", sort=False):
        group = group.reset_index(drop=True)
        for kind, rows in group.groupby(group.variant.map(variant_kind), sort=False):
            ax.scatter(rows.memory_mb, rows.test_acc, color=colours[setting], marker=VARIANT_KINDS[kind][0],
                       zorder=3, s=36)
        front = group.loc[pareto_front(list(zip(group.memory_mb, group.test_acc, strict=True)))]
        ax.step(front.memory_mb, front.test_acc, where="post", color=colours[setting], alpha=0.6,
                label=f"{setting}: Pareto front (no point has less memory and more accuracy)")
    for kind in dict.fromkeys(points.variant.map(variant_kind)):
        ax.scatter([], [], color="grey", marker=VARIANT_KINDS[kind][0], label=VARIANT_KINDS[kind][1])
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.3g"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set(xlabel="training set in memory + its PCA transform (MB, log scale)",
           ylabel="test accuracy (fraction correct)")
    ax.set_xticks(sorted({*points.memory_mb.round(4)}))
    ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    ticks = target_ticks(points)
    top = ax.secondary_xaxis("top")
    top.set_xticks(list(ticks), list(ticks.values()), fontsize=7, rotation=90)
    top.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    top.set_xlabel("pruning target (share of the training set, or images kept)", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.margins(x=0.08, y=0.08)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.05 + 0.03 * (-(-len(labels) // 2)), 1, 1))
    return fig


# Figure 18's line style per method: the paper's scores solid, the field's dashed, the random
# control dotted in black (the reference every other line is read against); a class-proportional
# target of a method in a lighter colour and its own marker.
SELECTION_STYLES = {"mean_distance": ("tab:blue", "-", "o"), "rmse": ("tab:orange", "-", "^"),
                    "el2n": ("tab:purple", "--", "s"), "random": ("black", ":", "D")}
PROPORTIONAL_STYLES = {"mean_distance": ("tab:cyan", "-", "v"), "rmse": ("gold", "-", "v"),
                       "el2n": ("plum", "--", "v"), "random": ("grey", ":", "d")}
FULL_SET_COLOUR = "green"


def selection_figure(points: pd.DataFrame, title: str) -> Figure:
    """Test accuracy against the share of the training set kept, one panel per setting, one line
    per selection method (bands: lowest to highest seed), the full set as a horizontal band.

    points : ``report.selection.selection_points``' output (the full set: method 'full')
    """
    settings = list(dict.fromkeys(points.setting))
    fig, axes = plt.subplots(1, max(1, len(settings)), figsize=(5.2 * max(1, len(settings)), 5), sharey=True,
                             squeeze=False)
    for ax, setting in zip(axes[0], settings, strict=False):
        panel = points[points.setting == setting]
        for (method, proportional), rows in panel.groupby(["method", "proportional"], sort=False):
            if method not in SELECTION_STYLES:  # the full training set: one size, a horizontal band
                ax.axhline(rows.test_acc.iloc[0], color=FULL_SET_COLOUR, lw=1.2,
                           label=f"{rows.series.iloc[0]} ({rows.n_train.iloc[0]:,} images)")
                ax.axhspan(rows.test_acc_low.iloc[0], rows.test_acc_high.iloc[0], color=FULL_SET_COLOUR, alpha=0.12)
                continue
            colour, line, marker = (PROPORTIONAL_STYLES if proportional else SELECTION_STYLES)[method]
            rows = rows.sort_values("share_kept")
            ax.plot(rows.share_kept, rows.test_acc, color=colour, ls=line, marker=marker, ms=5,
                    label=rows.series.iloc[0])
            if (rows.n_seeds > 1).any():
                ax.fill_between(rows.share_kept, rows.test_acc_low, rows.test_acc_high, color=colour, alpha=0.15,
                                lw=0)
        ax.set_title(setting, fontsize=10)
        ax.set_xlabel("share of the full training set kept")
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("test accuracy (fraction correct)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    seeds = int(points.n_seeds.max()) if len(points) else 0
    fig.suptitle(f"{title}\nlines: mean over {seeds} seeds; bands: lowest to highest seed (each seed of the random "
                 "subset is its own draw)", fontsize=10)
    fig.tight_layout(rect=(0, 0.05 + 0.035 * (-(-len(labels) // 3)), 1, 0.98))
    return fig
