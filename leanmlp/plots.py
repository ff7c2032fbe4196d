"""Figures of the paper, drawn on matplotlib figures that the caller saves (no file I/O here)."""

import matplotlib

matplotlib.use("Agg")  # figures are files, never windows
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


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


SETTING_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown")


def learning_curves_figure(histories, title):
    """Figures 1-11: train and validation error (loss) and accuracy against the epoch.

    histories : {setting: list of per-seed DataFrames (epoch, train_loss, ...)}; several
    seeds are drawn as their mean with a band of +/- one standard deviation.
    """
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 3.8))
    for colour, (setting, runs) in zip(SETTING_COLOURS, histories.items()):
        epochs = min(len(h) for h in runs)
        for split, style in (("train", "-"), ("valid", "--")):
            for ax, measure in ((loss_ax, "loss"), (acc_ax, "acc")):
                values = np.array([h[f"{split}_{measure}"].to_numpy()[:epochs] for h in runs])
                mean = values.mean(axis=0)
                x = np.arange(1, epochs + 1)
                # a short run (the quick scale: one epoch) would be an invisible line without markers
                ax.plot(x, mean, style, color=colour, label=f"{setting} {split}",
                        marker="o" if epochs <= 10 else None, markersize=3)
                if len(runs) > 1:
                    spread = values.std(axis=0)
                    ax.fill_between(x, mean - spread, mean + spread, color=colour, alpha=0.15)
    loss_ax.set(xlabel="epoch", ylabel="error (cross-entropy)", title="error")
    acc_ax.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    top = max(line.get_ydata().max() for line in loss_ax.get_lines() if np.isfinite(line.get_ydata()).all())
    loss_ax.set_ylim(0, min(top * 1.05, 10))  # a diverged run must not flatten the others
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
    acc_ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def memory_accuracy_figure(points, title):
    """Test accuracy against training-set memory, one point per input variant and setting,
    with each setting's Pareto front (less memory and more accuracy are both better).

    points : DataFrame with columns setting, variant, memory_mb, test_acc
    """
    from .reporting import pareto_front

    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    for number, (colour, (setting, group)) in enumerate(zip(SETTING_COLOURS, points.groupby("setting", sort=False))):
        group = group.reset_index(drop=True)
        ax.scatter(group.memory_mb, group.test_acc, color=colour, label=setting, zorder=3)
        front = group.loc[pareto_front(list(zip(group.memory_mb, group.test_acc)))]
        ax.step(front.memory_mb, front.test_acc, where="post", color=colour, alpha=0.6)
        if number == 0:  # label one setting's points only: the variants sit at the same memory
            for row in group.itertuples():
                short = row.variant.replace("mean_distance/", "md ").replace("rmse/", "rmse ")
                ax.annotate(short, (row.memory_mb, row.test_acc), fontsize=6, alpha=0.8,
                            textcoords="offset points", xytext=(3, -9))
    ax.set(xlabel="training set in memory + PCA transform (MB)", ylabel="test accuracy")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
