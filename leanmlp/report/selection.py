"""Every selection method at every size it was trained on (figure 18 and the selection table):
the test accuracy of one network on each selected training set, against the share of the full
training set the set keeps, beside the same network on the full set."""

import pandas as pd

from leanmlp.mining.selection import METHOD_LABELS, SELECTION_METHODS
from leanmlp.report.tables import markdown_table

PROPORTIONAL = "proportional"  # a target kind that keeps the class prior (pruning.TARGET_KINDS)
FULL_SET = "full"  # the reference run's "method": the full training set


def series_name(method: str, proportional: bool) -> str:
    """The line a selected set belongs to: its method, and whether its target keeps the class
    prior ('distance to the class mean, class-proportional') or evens the classes out."""
    if method == FULL_SET:
        return "full training set"
    return f"{METHOD_LABELS[method]}, class-proportional" if proportional else METHOD_LABELS[method]


def selection_points(jobs: pd.DataFrame, selection_runs: dict[str, str], reference_run: str,
                     settings: list[str]) -> pd.DataFrame:
    """One row per (setting, selected set), settings in the given order, then the full set and
    every method in ``SELECTION_METHODS`` order, largest set first: method, proportional (its
    target keeps the class prior), series (both in words), variant, run, n_train, share_kept (of
    the reference run's training set), and the test accuracy's mean, lowest and highest over
    seeds with their count. The reference run (the full set) has method ``FULL_SET``.

    jobs : tables/mlp_jobs.csv (one row per setting, run and seed)
    selection_runs : {run: its selected input variant}, all of one network
    """
    runs = {reference_run: f"{FULL_SET}/", **selection_runs}
    found = jobs[jobs.run.isin(runs) & jobs.setting.isin(settings)]
    full_size = found.loc[found.run == reference_run, "n_train"]
    rows = []
    for (setting, run), group in found.groupby(["setting", "run"], sort=False):
        method, _, target = runs[run].partition("/")
        proportional = target.startswith(PROPORTIONAL)
        accuracy = group.test_acc_final
        rows.append({"setting": setting, "method": method, "proportional": proportional,
                     "series": series_name(method, proportional), "variant": runs[run], "run": run,
                     "n_train": int(group.n_train.iloc[0]),
                     "share_kept": group.n_train.iloc[0] / full_size.iloc[0] if len(full_size) else float("nan"),
                     "test_acc": accuracy.mean(), "test_acc_low": accuracy.min(), "test_acc_high": accuracy.max(),
                     "n_seeds": len(group)})
    columns = ["setting", "method", "proportional", "series", "variant", "run", "n_train", "share_kept", "test_acc",
               "test_acc_low", "test_acc_high", "n_seeds"]
    points = pd.DataFrame(rows, columns=columns)
    order = {method: i for i, method in enumerate((FULL_SET, *SELECTION_METHODS))}
    return points.sort_values(["setting", "method", "proportional", "n_train"], ascending=[True, True, True, False],
                              key=lambda column: column.map({s: i for i, s in enumerate(settings)})
                              if column.name == "setting" else column.map(order) if column.name == "method"
                              else column, ignore_index=True)


def selection_markdown(points: pd.DataFrame) -> str:
    """The selection table: a row per training-set size and series (largest first), a column per
    setting, each cell 'mean (lowest to highest, n seeds)' of the test accuracy."""
    def cell(row: object) -> str:
        if row.n_seeds < 2:
            return f"{row.test_acc:.4f} (1 seed)"
        return f"{row.test_acc:.4f} ({row.test_acc_low:.4f} to {row.test_acc_high:.4f}, {row.n_seeds} seeds)"

    cells = points.assign(cell=points.apply(cell, axis=1) if len(points) else [])
    wide = cells.pivot_table(index=["n_train", "series"], columns="setting", values="cell", aggfunc="first",
                             sort=False)
    # largest set first; within a size, the series in the points' order
    wide = wide[list(dict.fromkeys(points.setting))].reindex(
        sorted(wide.index, key=lambda key: (-key[0], list(dict.fromkeys(points.series)).index(key[1])))).reset_index()
    wide["n_train"] = wide.n_train.map("{:,}".format)
    return markdown_table(wide.rename(columns={"n_train": "training images", "series": "selection"}))
