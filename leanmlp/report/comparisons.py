"""The paper's numbers beside ours, as declared data.

Every comparison is declared in the experiments file (``comparisons``): the number's key in
config/paper_reference.yaml, what ours is (a measure of a role or run, a baseline's result, a
fact of the data summaries, or a computed count) and a kind that decides the verdict. A table
declaration stands for one comparison per row and column of a table of runs. Nothing here
knows a run, a row or a display string: it walks declarations.

``expand_comparisons`` checks and expands the declarations (the workflow calls it while it
parses, so a missing run, role, measure or reference key fails before any job);
``evaluate_comparisons`` sets our results beside the paper's numbers.
"""

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leanmlp.exceptions import ConfigError
from leanmlp.report.sources import VARIANT_FACTS, BaselineResult, Names, RunMeasure, Source, parse_source
from leanmlp.study.baselines import check_baseline_name
from leanmlp.study.claims import NOT_COMPARABLE, missing
from leanmlp.study.matrix import close_names

ACCURACY_TOLERANCE = 0.01  # within 1 percentage point counts as reproduced; within 3, close
EPOCH_TOLERANCE = 5  # "about 10 epochs": within 5 counts as reproduced
ACCURACY_VERDICTS = ("reproduced", "close", "differs")
# On data of another task (the demo's digits) a measured number beside the paper's says nothing:
# these kinds are shown, never judged (NOT_COMPARABLE). Counts we compute from declared sizes
# (MACs) still are.
DATA_KINDS = ("accuracy", "epochs", "ratio", "fact")
BASELINE_ROWS = "baselines"  # a table declaration whose rows are the reference table's baseline models


def reference_value(reference: dict, key: str, where: str) -> object:
    """The value at a dotted key of the reference (a row number is a key like any other)."""
    node = reference
    for part in key.split("."):
        options = {str(k): k for k in node} if isinstance(node, dict) else {}
        if part not in options:
            raise ConfigError(f"{where}: config/paper_reference.yaml has no {key!r} ({part!r} is not among "
                              f"{', '.join(options) or 'nothing'}{close_names(part, options)})")
        node = node[options[part]]
    return node


@dataclass(frozen=True)
class Comparison:
    """One row of the paper-versus-ours table before it is evaluated. ``ours`` is where our
    number comes from (None for context); ``fields`` fill the quantity's placeholders."""

    section: str
    quantity: str
    paper: object
    kind: str
    ours: Source | None = None
    tolerance: float = ACCURACY_TOLERANCE
    stand_in: str | None = None
    fields: Mapping = field(default_factory=dict)


def column_spec(spec: str | dict, kind: str) -> tuple[str, str]:
    """A table declaration's column: a measure, or {measure, kind}."""
    return (spec, kind) if isinstance(spec, str) else (spec["measure"], spec.get("kind", kind))


def expand_table(declaration: dict, paper_table: dict, where: str, names: Names) -> list[Comparison]:
    """The comparisons of a table declaration: one per (row, column)."""
    rows = declaration["rows"]
    if rows == BASELINE_ROWS:
        # the paper's table lists baselines under their model names; those that are no known
        # baseline model are the table's other rows (declared by another declaration)
        pairs = [(row, row) for row in paper_table if baseline_row(row)]
    elif rows in names.tables:
        pairs = list(names.tables[rows].items())
    else:
        raise ConfigError(f"{where}: rows: unknown table {rows!r} (known: {', '.join(names.tables)}, "
                          f"{BASELINE_ROWS}){close_names(rows, [*names.tables, BASELINE_ROWS])}")
    keys = {str(k): k for k in paper_table}
    expanded = []
    for row, run in pairs:
        if str(row) not in keys:
            raise ConfigError(f"{where}: row {row!r} of {rows} is not a row of the reference's "
                              f"{declaration['paper']} ({', '.join(keys)})")
        paper_row = paper_table[keys[str(row)]]
        for column, spec in declaration["columns"].items():
            if column not in paper_row:
                raise ConfigError(f"{where}: column {column!r} is not in row {row!r} of the reference's "
                                  f"{declaration['paper']} ({', '.join(paper_row)})")
            measure, kind = column_spec(spec, declaration["kind"])
            ours = table_source(rows, row, run, measure, f"{where} column {column!r}", names)
            expanded.append(Comparison(
                declaration["section"], declaration["quantity"], paper_row[column], kind, ours,
                declaration.get("tolerance", ACCURACY_TOLERANCE), declaration.get("stand_in"),
                {"table": rows, "row": row, "column": column, "run": run or "not run", "paper": paper_row}))
    return expanded


def table_source(rows: str, row: str, run: str | None, measure: str, where: str, names: Names) -> Source:
    """Ours of one cell of a table declaration: the baseline of a baseline row, else the row's run
    (None for a row of a target the config does not have: not run)."""
    if rows == BASELINE_ROWS:
        return BaselineResult.parse({"baseline": row, "measure": measure}, where, names)
    return RunMeasure.parse({"of": run, "measure": measure}, where, names)


def baseline_row(name: str) -> bool:
    try:
        check_baseline_name(name)
        return True
    except ConfigError:
        return False


def expand_comparisons(declarations: list[dict], reference: dict, names: Names) -> list[Comparison]:
    """Check every declaration and expand it into its comparisons, in declaration order.

    names : the runs, roles and tables a declaration may name
    """
    expanded = []
    for i, declaration in enumerate(declarations):
        where = f"comparisons[{i}] ({declaration['section']}: {declaration['quantity']})"
        paper = reference_value(reference, declaration["paper"], where)
        if "rows" in declaration:
            if not isinstance(paper, dict):
                raise ConfigError(f"{where}: {declaration['paper']} in the reference is not a table")
            expanded += expand_table(declaration, paper, where, names)
            continue
        ours = declaration.get("ours")
        if (ours is None) != (declaration["kind"] == "context"):
            raise ConfigError(f"{where}: a context number has no `ours`, and every other comparison has one")
        expanded.append(Comparison(declaration["section"], declaration["quantity"], paper, declaration["kind"],
                                   None if ours is None else parse_source(ours, where, names),
                                   declaration.get("tolerance", ACCURACY_TOLERANCE),
                                   declaration.get("stand_in")))
    return expanded


def history_runs(comparisons: list[Comparison]) -> list[str]:
    """The runs whose history.csv the comparisons read."""
    return list(dict.fromkeys(run for c in comparisons if c.ours and (run := c.ours.history_run())))


def data_facts(split: dict, pca: dict, memory: pd.DataFrame) -> dict:
    """The facts comparisons may name, from the split and PCA summaries and the memory table.

    A fact of VARIANT_FACTS is a mapping {input variant: value}."""
    splits = split["splits"]
    k = pca["n_components"]
    training_set = memory.set_index("variant")
    return {
        **{f"{name}_size": splits[name]["n_samples"] for name in splits},
        **{f"{name}_per_class": f"{splits[name]['per_class_min']}, {splits[name]['per_class_max']}"
           for name in splits},
        "train_disk_mb": splits["train"]["disk_bytes"] / 1e6,
        "all_splits_disk_mb": sum(s["disk_bytes"] for s in splits.values()) / 1e6,
        "pca_components": k,
        "pca_explained_variance": float(np.sum(pca["explained_variance_ratio"][:k])),
        "training_set_mb": ((training_set["memory"] + training_set["transform"]) / 1e6).to_dict(),
        "training_data_mb": (training_set["memory"] / 1e6).to_dict(),  # without the PCA transform
        "share_of_raw": training_set["share_of_raw"].to_dict(),
    }


def run_facts(facts: dict, run_inputs: dict[str, str]) -> dict[str, dict[str, float]]:
    """{fact: {run: value}} of the VARIANT_FACTS, for the runs whose input variant has one."""
    return {name: {run: facts[name][variant] for run, variant in run_inputs.items() if variant in facts[name]}
            for name in VARIANT_FACTS}


@dataclass
class ComparisonData:
    """What comparisons are evaluated on. jobs: the per-seed results; run_settings: {run:
    [settings]}; histories: {(setting, run): [history per seed]}; baselines: {model: result};
    facts: ``data_facts``; run_inputs: {run: input variant}; roles: {role: run}."""

    jobs: pd.DataFrame
    run_settings: dict
    histories: dict
    baselines: dict
    facts: dict
    run_inputs: dict
    roles: dict
    stand_in: bool
    comparable: bool = True


class QuantityFormatter(string.Formatter):
    """Fills a quantity's placeholders; an absent or missing value reads '?', whatever its format spec."""

    def get_value(self, key: int | str, args: Sequence, kwargs: Mapping) -> object:
        return kwargs.get(key)

    def format_field(self, value: object, format_spec: str) -> str:
        return "?" if value is None else super().format_field(value, format_spec)


def quantity_text(comparison: Comparison, extra: dict) -> str:
    """The quantity with its placeholders filled ({row}, {n_train:,}, {paper[model]}, ...)."""
    return QuantityFormatter().format(comparison.quantity, **comparison.fields, **extra)


def verdict(paper: float, ours: float, tolerance: float = ACCURACY_TOLERANCE) -> str:
    """reproduced (within tolerance), close (within 3x), differs."""
    difference = abs(ours - paper)
    if difference <= tolerance:
        return "reproduced"
    return "close" if difference <= 3 * tolerance else "differs"


def judged_row(comparison: Comparison, setting: str, ours: object, quantity: str, stand_in: bool,
               source: str | None = None, comparable: bool = True) -> dict:
    """One evaluated row: ours beside the paper's number, the difference and the verdict.
    comparable : whether the data is the paper's task (else a measured number is not judged)."""
    summary = ours if isinstance(ours, dict) else {"mean": ours, "n": None}
    value, paper = summary["mean"], comparison.paper
    if isinstance(paper, list):
        paper = ", ".join(str(v) for v in paper)
    kind = "setup" if stand_in and comparison.stand_in == "setup" else comparison.kind
    row = {"section": comparison.section, "quantity": quantity, "setting": setting, "paper": paper, "ours": value,
           "sd": summary.get("std", math.nan), "ci_low": summary.get("ci_low", math.nan),
           "ci_high": summary.get("ci_high", math.nan), "seeds": summary.get("n"), "kind": kind,
           "difference": None, "source": source,
           **{key: comparison.fields.get(key) for key in ("table", "row", "column")}}
    if summary.get("diverged"):
        row["verdict"] = f"diverged ({summary['diverged']} of {summary['runs']} seeds)"
    elif kind == "context":
        row["verdict"] = "context (the paper quotes it)"
    elif not comparable and kind in DATA_KINDS:
        row["verdict"] = NOT_COMPARABLE
    elif summary.get("short"):
        row["verdict"] = f"not measured: {summary['short']}"
    elif missing(value) or summary.get("n") == 0:
        row["verdict"] = "not run"
    else:
        row["difference"], row["verdict"] = KIND_VERDICTS[kind](value, paper, comparison.tolerance)
    return row


def same_or_not(value: object, paper: object) -> str:
    return "reproduced" if value == paper else "differs"


def setup_difference(value: object, paper: object, tolerance: float) -> tuple[float | None, str]:
    numbers = isinstance(value, (int, float)) and isinstance(paper, (int, float))
    return (value - paper if numbers else None), ("expected (stand-in data)" if value != paper else "same")


# How each kind of comparison is judged: (ours, the paper's, tolerance) -> (difference, verdict).
KIND_VERDICTS = {
    "accuracy": lambda value, paper, tolerance: (value - paper, verdict(paper, value, tolerance)),
    "ratio": lambda value, paper, tolerance: (value / paper if paper else None, "other machine (ratio shown)"),
    "epochs": lambda value, paper, tolerance: (
        value - paper, "reproduced" if abs(value - paper) <= EPOCH_TOLERANCE else "differs"),
    "setup": setup_difference,
    "count": lambda value, paper, tolerance: (value - paper, same_or_not(value, paper)),
    "fact": lambda value, paper, tolerance: (None, same_or_not(value, paper)),
}


COLUMNS = ["section", "quantity", "setting", "paper", "ours", "sd", "ci_low", "ci_high", "seeds", "kind", "difference",
           "verdict", "source", "table", "row", "column"]


def evaluate_comparisons(comparisons: list[Comparison], data: ComparisonData) -> pd.DataFrame:
    """Every comparison beside ours: a DataFrame of ``COLUMNS``, one row per comparison and
    setting, ordered by section as first declared, then setting, then declaration order."""
    rows = []
    for comparison in comparisons:
        for setting, ours, extra in comparison.ours.values(data, comparison.kind) if comparison.ours \
                else [("", None, {})]:
            rows.append(judged_row(comparison, setting, ours, quantity_text(comparison, extra), data.stand_in,
                                   extra.get("source"), data.comparable))
    table = pd.DataFrame(rows, columns=COLUMNS)
    sections = {name: i for i, name in enumerate(dict.fromkeys(table.section))}
    settings = {name: i for i, name in enumerate(dict.fromkeys(table.setting))}
    order = sorted(range(len(table)), key=lambda i: (sections[table.section[i]], settings[table.setting[i]], i))
    return table.iloc[order].reset_index(drop=True)


def table_columns(comparisons: list[Comparison], table: str) -> dict[str, str]:
    """{reference column: our measure} of the comparisons expanded from the table declaration
    whose rows are ``table``, in its columns' order."""
    columns = {}
    for comparison in comparisons:
        if comparison.fields.get("table") == table:
            columns.setdefault(comparison.fields["column"], comparison.ours.measure)
    if not columns:
        raise ConfigError(f"no comparison declares the columns of {table}")
    return columns
