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
