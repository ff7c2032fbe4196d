"""Two runs of the workflow side by side: job by job and table row by table row.

A run is a folder holding ``tables/`` (``results/<name>/`` or the published
``docs/reproduction/``). Jobs are matched on (setting, run, seed), table rows on their text
columns. A difference is flagged when it exceeds the tolerance: by default the seed-to-seed
spread of the reference (for each measure, the median over its runs with two or more seeds of
the standard deviation over seeds), or the ``tolerance`` given for accuracies. Runs on one
machine with one BLAS reproduce each other bit for bit; across machines the arithmetic of the
matrix products differs, and test accuracies move by about as much as a change of seed, which
is why the seed spread is the default. Seconds depend on the machine: they are shown as a
ratio and never flagged.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd

from leanmlp.exceptions import DataFormatError

JOB_KEYS = ("setting", "run", "seed")
JOB_MEASURES = ("final_train_acc", "final_valid_acc", "best_valid_acc", "test_acc_final", "test_acc_best_valid",
                "best_valid_loss_epoch", "epochs_run")
JOBS_TABLE = "mlp_jobs"
SKIPPED_TABLES = (JOBS_TABLE, "mlp_runs")  # the jobs are compared one by one; mlp_runs summarises them
EXACT = 1e-6  # relative tolerance of counts and sizes, which the data alone decides


def read_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """{table name: DataFrame} of every CSV in ``folder``/tables; one clear error otherwise."""
    tables_dir = Path(folder) / "tables"
    if not tables_dir.is_dir():
        raise DataFormatError(f"{folder}: no tables/ folder (give results/<name>/ or docs/reproduction/)")
    tables = {}
    for path in sorted(tables_dir.glob("*.csv")):
        try:
            tables[path.stem] = pd.read_csv(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
            raise DataFormatError(f"{path}: not a readable table ({e})") from None
    if JOBS_TABLE not in tables:
        raise DataFormatError(f"{tables_dir}: no {JOBS_TABLE}.csv, the per-job results")
    missing = [key for key in JOB_KEYS if key not in tables[JOBS_TABLE]]
    if missing:
        raise DataFormatError(f"{tables_dir / JOBS_TABLE}.csv: no column {', '.join(missing)}")
    return tables


def seed_spread(jobs: pd.DataFrame, measure: str) -> float:
    """The median over (setting, run) groups with at least two seeds of the sd over seeds."""
    if measure not in jobs:
        return math.nan
    spreads = jobs.groupby(["setting", "run"])[measure].std(ddof=1).dropna()
    return float(spreads.median()) if len(spreads) else math.nan


def is_time(column: str) -> bool:
    return "seconds" in column


def is_accuracy(column: str) -> bool:
    return "acc" in column or column.endswith(("_train", "_valid", "_test"))


def tolerances(reference_jobs: pd.DataFrame, accuracy_tolerance: float | None = None) -> dict[str, float]:
    """{measure: tolerance} for the job measures, from the seed spread or the given value."""
    result = {}
    for measure in JOB_MEASURES:
        if accuracy_tolerance is not None and is_accuracy(measure):
            result[measure] = accuracy_tolerance
        else:
            result[measure] = seed_spread(reference_jobs, measure)
    return result


def unmatched(**fields: object) -> dict:
    """A flagged row for something one side has and the other lacks: no values to compare."""
    return {**fields, "ours": math.nan, "reference": math.nan, "difference": math.nan, "tolerance": math.nan,
            "flagged": True}


def only_in(merge_indicator: str) -> str:
    return "ours" if merge_indicator == "left_only" else "the reference"


def compare_jobs(ours: pd.DataFrame, reference: pd.DataFrame, tolerance: dict[str, float]) -> pd.DataFrame:
    """One row per job and measure: both values, the difference and whether it is flagged.
    A job in only one of the two is one flagged row."""
    merged = ours.merge(reference, on=list(JOB_KEYS), how="outer", suffixes=("_ours", "_reference"),
                        indicator=True)
    rows = []
    for _, job in merged.iterrows():
        key = {k: job[k] for k in JOB_KEYS}
        if job["_merge"] != "both":
            rows.append(unmatched(**key, measure=f"job only in {only_in(job['_merge'])}"))
            continue
        for measure in JOB_MEASURES:
            if f"{measure}_ours" not in job or f"{measure}_reference" not in job:
                continue
            rows.append({**key, "measure": measure, **judged(job[f"{measure}_ours"], job[f"{measure}_reference"],
                                                             tolerance[measure])})
        if job.get("diverged_ours") != job.get("diverged_reference"):
            rows.append({**key, "measure": "diverged", "ours": float(job["diverged_ours"]),
                         "reference": float(job["diverged_reference"]), "difference": math.nan,
                         "tolerance": math.nan, "flagged": True})
    return pd.DataFrame(rows, columns=[*JOB_KEYS, "measure", "ours", "reference", "difference", "tolerance",
                                       "flagged"])


def judged(ours: float, reference: float, tolerance: float | None) -> dict:
    """Both values, their difference and the flag: beyond the tolerance, or one of them missing."""
    ours, reference = float(ours), float(reference)
    if math.isnan(ours) and math.isnan(reference):
        return {"ours": ours, "reference": reference, "difference": math.nan, "tolerance": tolerance,
                "flagged": False}
    difference = ours - reference
    flagged = math.isnan(difference) or abs(difference) > (0.0 if math.isnan(tolerance) else tolerance)
    return {"ours": ours, "reference": reference, "difference": difference, "tolerance": tolerance,
            "flagged": bool(flagged)}


def row_keys(table: pd.DataFrame) -> list[str]:
    """The columns that name a row: every text column, and the row number where there is one."""
    keys = [column for column in table.columns if not pd.api.types.is_numeric_dtype(table[column])]
    return (["row"] if "row" in table else []) + keys


def compared_columns(table: pd.DataFrame) -> list[str]:
    """The numbers of ours in a table: ``ours_*`` columns without their spreads, or every number
    where the table has no ``ours_`` column (sizes, counts)."""
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c]) and c != "row"]
    ours = [c for c in numeric if c.startswith("ours_") and not c.endswith(("_std", "_ci"))]
    return ours or [c for c in numeric if not c.startswith("paper")]


def compare_tables(ours_tables: dict[str, pd.DataFrame], reference_tables: dict[str, pd.DataFrame],
                   accuracy_tolerance: float) -> pd.DataFrame:
    """One row per table row and number: accuracies against the accuracy tolerance, seconds as a
    ratio (never flagged), everything else exactly (relative 1e-6)."""
    rows = []
    for name, reference in reference_tables.items():
        if name in SKIPPED_TABLES:
            continue
        if name not in ours_tables:
            rows.append(unmatched(table=name, row="(whole table)", column="", note="table only in the reference"))
            continue
        ours = ours_tables[name]
        keys = [k for k in row_keys(reference) if k in ours]
        merged = ours.merge(reference, on=keys, how="outer", suffixes=("_ours", "_reference"), indicator=True)
        for _, row in merged.iterrows():
            label = ", ".join(str(row[k]) for k in keys)
            if row["_merge"] != "both":
                rows.append(unmatched(table=name, row=label, column="", note=f"row only in {only_in(row['_merge'])}"))
                continue
            for column in compared_columns(reference):
                if f"{column}_ours" not in row:
                    continue
                ours_value, reference_value = row[f"{column}_ours"], row[f"{column}_reference"]
                if is_time(column):
                    ratio = float(ours_value) / float(reference_value) if float(reference_value) else math.nan
                    rows.append({"table": name, "row": label, "column": column, "ours": float(ours_value),
                                 "reference": float(reference_value), "difference": math.nan,
                                 "tolerance": math.nan, "flagged": False, "note": f"time ×{ratio:.3g}"})
                    continue
                tolerance = (accuracy_tolerance if is_accuracy(column)
                             else EXACT * max(abs(float(reference_value)), 1.0))
                rows.append({"table": name, "row": label, "column": column,
                             **judged(ours_value, reference_value, tolerance), "note": ""})
    return pd.DataFrame(rows, columns=["table", "row", "column", "ours", "reference", "difference", "tolerance",
                                       "flagged", "note"])


def compare_runs(ours_folder: str | Path, reference_folder: str | Path, accuracy_tolerance: float | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float], list[str]]:
    """(job comparison, table comparison, {measure: tolerance}, ``setup_differences``) of two
    result folders."""
    ours, reference = read_tables(ours_folder), read_tables(reference_folder)
    tolerance = tolerances(reference[JOBS_TABLE], accuracy_tolerance)
    if accuracy_tolerance is None and all(math.isnan(tolerance[m]) for m in JOB_MEASURES if is_accuracy(m)):
        raise DataFormatError(f"{reference_folder}: no run has two seeds, so there is no seed spread to compare "
                              "against: give --tolerance")
    table_tolerance = (accuracy_tolerance if accuracy_tolerance is not None
                       else float(np.nanmax([tolerance[m] for m in JOB_MEASURES if is_accuracy(m)])))
    return (compare_jobs(ours[JOBS_TABLE], reference[JOBS_TABLE], tolerance),
            compare_tables(ours, reference, table_tolerance), tolerance,
            setup_differences(ours[JOBS_TABLE], reference[JOBS_TABLE]))


def setup_differences(ours: pd.DataFrame, reference: pd.DataFrame) -> list[str]:
    """How the two runs were made differently, read from their jobs: the epochs trained (the most
    any job ran) and the training images of the jobs both have. A difference here explains the
    flagged rows below it: they are different experiments, not a failed reproduction."""
    lines = []
    epochs = [int(jobs.epochs_run.max()) if "epochs_run" in jobs and len(jobs) else None for jobs in (ours, reference)]
    if epochs[0] != epochs[1]:
        lines.append(f"the runs trained different epochs: {epochs[0]} here, {epochs[1]} in the reference")
    if "n_train" in ours and "n_train" in reference:
        both = ours.merge(reference, on=list(JOB_KEYS), suffixes=("", "_reference"))
        differ = both[both.n_train != both.n_train_reference]
        if len(differ):
            first = differ.iloc[0]
            lines.append(f"the runs trained on different data: {len(differ)} of {len(both)} matched jobs had another "
                         f"number of training images (e.g. {first.run}: {int(first.n_train):,} here, "
                         f"{int(first.n_train_reference):,} in the reference)")
    return [f"NOTE: {line}; differences below follow from that" for line in lines]


def summary_lines(jobs: pd.DataFrame, tables: pd.DataFrame, tolerance: dict[str, float],
                  show_all: bool = False, setup: list[str] | None = None) -> list[str]:
    """What the command prints: how the runs were made differently (``setup_differences``), the
    tolerances, the flagged (or all) rows, one count line each."""
    lines = list(setup or []) + [
        "tolerance per measure (the reference's median seed sd unless --tolerance): "
        + ", ".join(f"{m} {v:.4g}" for m, v in tolerance.items() if not math.isnan(v))]
    for what, table in (("jobs", jobs), ("table rows", tables)):
        shown = table if show_all else table[table.flagged]
        if len(shown):
            lines += ["", shown.to_markdown(index=False, floatfmt=".4f")]
        n_flagged = int(table.flagged.sum())
        lines.append(f"{what}: {len(table)} values compared, {n_flagged} flagged")
    return lines
