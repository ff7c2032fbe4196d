"""Tables and paper-versus-reproduction comparisons, built from the pipeline's outputs.

Everything here takes and returns plain data (dicts, pandas DataFrames); the stage
scripts read the files and write the results.
"""

import json
import math

import numpy as np
import pandas as pd

from .models import MLPSpec

ACCURACY_TOLERANCE = 0.01  # within 1 percentage point counts as reproduced


def describe_run(hyperparameters):
    """The paper's way of naming a model: '3x128, dropout 0.75, L1 1e-05'."""
    hidden = hyperparameters["hidden"]
    sizes = set(hidden)
    text = f"{len(hidden)}x{hidden[0]}" if len(sizes) == 1 else "-".join(map(str, hidden))
    if hyperparameters.get("dropout_keep") is not None:
        text += f", dropout {hyperparameters['dropout_keep']}"
    for penalty in ("l1", "l2"):
        if hyperparameters.get(penalty):
            text += f", {penalty.upper()} {hyperparameters[penalty]:g}"
    if hyperparameters.get("input", "raw") != "raw":
        text += f", input {hyperparameters['input']}"
    return text


def job_table(metrics):
    """One row per (setting, run, seed) from the metrics.json dicts of the training jobs."""
    rows = []
    for record in metrics:
        row = {key: value for key, value in record.items() if key != "hyperparameters"}
        row["description"] = describe_run(record["hyperparameters"])
        row["hidden"] = json.dumps(record["hyperparameters"]["hidden"])
        row["input"] = record["hyperparameters"].get("input", "raw")
        rows.append(row)
    return pd.DataFrame(rows)


MEASURES = ("final_train_acc", "final_valid_acc", "best_valid_acc", "test_acc_final",
            "test_acc_best_valid", "seconds_total", "seconds_per_epoch_median", "best_valid_loss_epoch")


def aggregate_seeds(jobs):
    """Mean and standard deviation over seeds per (setting, run); std is 0 for one seed."""
    grouped = jobs.groupby(["setting", "run"], sort=False)
    table = grouped[list(MEASURES)].mean()
    spread = grouped[list(MEASURES)].std(ddof=0).add_suffix("_std")
    extra = grouped.agg(n_seeds=("seed", "size"), diverged=("diverged", "sum"),
                        description=("description", "first"), n_train=("n_train", "first"),
                        n_features=("n_features", "first"), epochs_run=("epochs_run", "min"))
    return pd.concat([table, spread, extra], axis=1).reset_index()


def mean_std_text(mean, std, n_seeds, digits=4):
    """'0.8410' for one seed, '0.8410 ± 0.0021' for several; '—' for a missing value."""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "—"
    return f"{mean:.{digits}f}" if n_seeds < 2 else f"{mean:.{digits}f} ± {std:.{digits}f}"


def verdict(paper, ours, tolerance=ACCURACY_TOLERANCE):
    """reproduced (within tolerance), close (within 3x), differs, or not run."""
    if ours is None or (isinstance(ours, float) and math.isnan(ours)):
        return "not run"
    difference = abs(ours - paper)
    if difference <= tolerance:
        return "reproduced"
    return "close" if difference <= 3 * tolerance else "differs"


def paper_rows_table(aggregated, runs, reference, settings, columns):
    """A paper table in its own row order: for each (paper row, run) and setting, the paper's
    numbers beside ours. ``columns`` maps paper keys to our measures, e.g. {'valid': 'final_valid_acc'}."""
    rows = []
    indexed = aggregated.set_index(["setting", "run"])
    for number, (run, paper) in enumerate(zip(runs, reference), start=1):
        for setting in settings:
            row = {"row": number, "run": run, "setting": setting}
            found = (setting, run) in indexed.index
            job = indexed.loc[(setting, run)] if found else None
            row["model"] = job["description"] if found else run
            row["n_train"] = int(job["n_train"]) if found else None
            for paper_key, measure in columns.items():
                row[f"paper_{paper_key}"] = paper.get(paper_key)
                row[f"ours_{paper_key}"] = float(job[measure]) if found else math.nan
                row[f"ours_{paper_key}_std"] = float(job[f"{measure}_std"]) if found else math.nan
            row["n_seeds"] = int(job["n_seeds"]) if found else 0
            row["diverged"] = int(job["diverged"]) if found else 0
            rows.append(row)
    return pd.DataFrame(rows)


def wide_markdown(table, columns, settings):
    """The paper's layout: one line per paper row, the paper's value then ours per setting."""
    lines = []
    for _, group in table.groupby("row", sort=True):
        first = group.iloc[0]
        line = {"model": first["model"]}
        if first.get("n_train") is not None and not pd.isna(first.get("n_train")):
            line["train samples"] = f"{int(first['n_train']):,}"
        for key in columns:
            paper = first[f"paper_{key}"]
            line[f"paper {key}"] = "—" if paper is None or pd.isna(paper) else f"{paper:.4f}"
            for setting in settings:
                job = group[group.setting == setting]
                if job.empty:
                    line[f"{setting} {key}"] = "—"
                    continue
                job = job.iloc[0]
                text = mean_std_text(job[f"ours_{key}"], job[f"ours_{key}_std"], job["n_seeds"])
                line[f"{setting} {key}"] = text + (" (diverged)" if job["diverged"] else "")
        lines.append(line)
    return pd.DataFrame(lines).to_markdown(index=False)


def convolution_multiplications(size, kernel, stride, padding, n_kernels):
    """Multiplications of one convolution layer on a size x size single-channel input."""
    out = (size - kernel + 2 * padding) // stride + 1
    return out * out * kernel * kernel * n_kernels


def macs_table(specs, paper_printed):
    """Parameters and multiply-accumulates per forward pass of every architecture used."""
    rows = []
    for spec in specs:
        rows.append({"architecture": "-".join(map(str, spec.layer_sizes)), "parameters": spec.n_params(),
                     "multiply_accumulates": spec.macs_per_sample()})
    table = pd.DataFrame(rows).drop_duplicates().sort_values("multiply_accumulates")
    paper_net = MLPSpec(78, 47, (128, 128, 128))
    notes = pd.DataFrame([
        {"architecture": "78-128-128-128-47 as printed in the paper (one 128x128 term too many)",
         "parameters": None, "multiply_accumulates": paper_printed},
        {"architecture": "78-128-128-128-47 computed", "parameters": paper_net.n_params(),
         "multiply_accumulates": paper_net.macs_per_sample()},
        {"architecture": "GoogLeNet first layer on a 28x28x1 input (7x7, stride 2, pad 3, 64 kernels)",
         "parameters": 7 * 7 * 64 + 64,
         "multiply_accumulates": convolution_multiplications(28, 7, 2, 3, 64)},
    ])
    return pd.concat([table, notes], ignore_index=True)


def pareto_front(points):
    """Indices of the points not dominated in (lower memory, higher accuracy), by memory."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], -points[i][1]))
    front, best = [], -np.inf
    for i in order:
        if points[i][1] > best:
            front.append(i)
            best = points[i][1]
    return front


def comparison(section, quantity, paper, ours, setting="", tolerance=ACCURACY_TOLERANCE, kind="accuracy"):
    """One line of the report's paper-versus-reproduction table.

    kind: 'accuracy' (verdict within ``tolerance``), 'ratio' (ours / paper, no verdict: a
    different machine), 'count' (exact), or 'fact' (a statement compared as text).
    """
    row = {"section": section, "quantity": quantity, "setting": setting, "paper": paper, "ours": ours,
           "kind": kind}
    missing = ours is None or (isinstance(ours, float) and math.isnan(ours))
    if kind == "accuracy":
        row["difference"] = None if missing else ours - paper
        row["verdict"] = verdict(paper, ours, tolerance)
    elif kind == "ratio":
        row["difference"] = None if missing or not paper else ours / paper
        row["verdict"] = "not run" if missing else "other machine (ratio shown)"
    else:  # count or fact: exact
        row["difference"] = None if missing or kind == "fact" else ours - paper
        row["verdict"] = "not run" if missing else ("reproduced" if ours == paper else "differs")
    return row


def comparisons_markdown(rows):
    """The comparison rows as a Markdown table with readable numbers."""
    def show(value, difference_of=None):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        if difference_of == "ratio":
            return f"×{value:.3g}"
        if difference_of is not None:
            return f"{value:+.4f}" if isinstance(value, float) else f"{value:+d}"
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    table = pd.DataFrame(rows)
    table["paper"] = [f"{v:g}" if isinstance(v, float) else show(v) for v in table.paper]  # exactly as printed
    table["ours"] = [show(v) for v in table.ours]
    table["difference"] = [show(v, kind) for v, kind in zip(table.difference, table.kind)]
    return table.drop(columns="kind").to_markdown(index=False)
