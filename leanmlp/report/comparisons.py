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

import difflib
import math
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from leanmlp.exceptions import ConfigError
from leanmlp.study.baselines import check_baseline_name
from leanmlp.study.claims import DERIVED_MEASURES, FACTS, NOT_COMPARABLE, missing, per_seed, seed_summary
from leanmlp.study.costs import convolution_multiplications, network_macs

ACCURACY_TOLERANCE = 0.01  # within 1 percentage point counts as reproduced; within 3, close
EPOCH_TOLERANCE = 5  # "about 10 epochs": within 5 counts as reproduced
ACCURACY_VERDICTS = ("reproduced", "close", "differs")
# On data of another task (the demo's digits) a measured number beside the paper's says nothing:
# these kinds are shown, never judged (NOT_COMPARABLE). Counts we compute from declared sizes
# (MACs) still are.
DATA_KINDS = ("accuracy", "epochs", "ratio", "fact")

# Columns of tables/mlp_jobs.csv a comparison may read, and of each job's history.csv.
JOB_MEASURES = ("final_train_acc", "final_train_running_acc", "final_valid_acc", "best_valid_acc", "test_acc_final",
                "test_acc_best_valid", "seconds_total", "seconds_per_epoch_median", "train_eval_seconds_median",
                "best_valid_loss_epoch", *DERIVED_MEASURES)
HISTORY_COLUMNS = ("train_loss", "train_acc", "valid_loss", "valid_acc", "train_running_loss", "train_running_acc")
BASELINE_MEASURES = ("valid_acc", "test_acc", "fit_seconds")
# Facts of the data, PCA and memory summaries (see ``data_facts``): study.claims.FACTS; those in
# VARIANT_FACTS take the training set a role trains on (``variant_of``).
VARIANT_FACTS = ("training_set_mb", "training_data_mb", "share_of_raw")
BASELINE_ROWS = "baselines"  # a table declaration whose rows are the reference table's baseline models


def close_names(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name), list(dict.fromkeys(str(k) for k in known)), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


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


@dataclass
class Comparison:
    """One row of the paper-versus-ours table before it is evaluated. ``ours`` is the
    declaration's source (None for context); ``fields`` fill the quantity's placeholders."""

    section: str
    quantity: str
    paper: object
    kind: str
    ours: dict = None
    tolerance: float = ACCURACY_TOLERANCE
    stand_in: str = None
    fields: dict = field(default_factory=dict)


def check_source(ours: dict | None, where: str, names: dict) -> None:
    """A single comparison's ``ours`` must name things that exist."""
    runs, roles = names["runs"], names["roles"]
    for key in ("of", "variant_of"):
        if key in ours and ours[key] not in roles and ours[key] not in runs:
            raise ConfigError(f"{where}: ours.{key}: unknown role or run {ours[key]!r}"
                              f"{close_names(ours[key], [*roles, *runs])}")
    if "history" in ours:
        if "of" not in ours or "epoch" not in ours:
            raise ConfigError(f"{where}: ours.history needs `of` and `epoch`")
        if ours["history"] not in HISTORY_COLUMNS:
            raise ConfigError(f"{where}: ours.history: unknown column {ours['history']!r}"
                              f"{close_names(ours['history'], HISTORY_COLUMNS)}")
    elif "of" in ours and ours.get("measure") not in JOB_MEASURES:
        raise ConfigError(f"{where}: ours.measure: unknown measure {ours.get('measure')!r}"
                          f"{close_names(ours.get('measure'), JOB_MEASURES)}")
    if "baseline" in ours:
        check_baseline_name(ours["baseline"])
        if ours.get("measure") not in BASELINE_MEASURES:
            raise ConfigError(f"{where}: a baseline's measure is one of {', '.join(BASELINE_MEASURES)}, got "
                              f"{ours.get('measure')!r}")
    if "fact" in ours:
        known = FACTS + VARIANT_FACTS
        if ours["fact"] not in known:
            raise ConfigError(f"{where}: ours.fact: unknown fact {ours['fact']!r}{close_names(ours['fact'], known)}")
        if (ours["fact"] in VARIANT_FACTS) != ("variant_of" in ours):
            raise ConfigError(f"{where}: the facts {', '.join(VARIANT_FACTS)} (and only they) need `variant_of`")
    sources = [key for key in ("of", "baseline", "fact", "macs", "convolution") if key in ours]
    if len(sources) != 1:
        raise ConfigError(f"{where}: ours names exactly one of of, baseline, fact, macs, convolution; "
                          f"got {', '.join(sources) or 'none'}")


def column_spec(spec: str | dict, kind: str) -> tuple[str, str]:
    """A table declaration's column: a measure, or {measure, kind}."""
    return (spec, kind) if isinstance(spec, str) else (spec["measure"], spec.get("kind", kind))


def expand_table(declaration: dict, paper_table: dict, where: str, names: dict) -> list[Comparison]:
    """The comparisons of a table declaration: one per (row, column)."""
    rows = declaration["rows"]
    if rows == BASELINE_ROWS:
        # the paper's table lists baselines under their model names; those that are no known
        # baseline model are the table's other rows (declared by another declaration)
        pairs = [(row, row) for row in paper_table if baseline_row(row)]
    elif rows in names["tables"]:
        pairs = list(names["tables"][rows].items())
    else:
        raise ConfigError(f"{where}: rows: unknown table {rows!r} (known: {', '.join(names['tables'])}, "
                          f"{BASELINE_ROWS}){close_names(rows, [*names['tables'], BASELINE_ROWS])}")
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
            if rows == BASELINE_ROWS:
                ours = {"baseline": row, "measure": measure}
            else:  # a row of a target the config does not have has no run: not run
                ours = {"of": run, "measure": measure}
            if run is not None or rows == BASELINE_ROWS:
                check_source(ours, f"{where} column {column!r}", names)
            expanded.append(Comparison(
                declaration["section"], declaration["quantity"], paper_row[column], kind, ours,
                declaration.get("tolerance", ACCURACY_TOLERANCE), declaration.get("stand_in"),
                {"table": rows, "row": row, "column": column, "run": run or "not run", "paper": paper_row}))
    return expanded


def baseline_row(name: str) -> bool:
    try:
        check_baseline_name(name)
        return True
    except ConfigError:
        return False


def expand_comparisons(declarations: list[dict], reference: dict, names: dict) -> list[Comparison]:
    """Check every declaration and expand it into its comparisons, in declaration order.

    names : {'runs': the runs, 'roles': {role: run}, 'tables': {table: {row: run}}}
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
        if ours is not None:
            check_source(ours, where, names)
        expanded.append(Comparison(declaration["section"], declaration["quantity"], paper, declaration["kind"],
                                   ours, declaration.get("tolerance", ACCURACY_TOLERANCE),
                                   declaration.get("stand_in")))
    return expanded


def history_runs(comparisons: list[Comparison], roles: dict[str, str]) -> list[str]:
    """The runs whose history.csv the comparisons read."""
    return list(dict.fromkeys(roles.get(c.ours["of"], c.ours["of"]) for c in comparisons
                              if c.ours and "history" in c.ours))


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


def divergence_text(flags: pd.Series) -> str | None:
    """'diverges', 'trains' or 'diverges in 1 of 3 seeds'; None without seeds."""
    if flags.empty:
        return None
    if flags.all():
        return "diverges"
    return "trains" if not flags.any() else f"diverges in {int(flags.sum())} of {len(flags)} seeds"


def run_summary(comparison: Comparison, data: ComparisonData, setting: str, run: str) -> dict:
    """A run's measure over its seeds under one setting: seed_summary plus divergences."""
    ours = comparison.ours
    if "history" in ours:
        histories = data.histories.get((setting, run), [])
        values = [float(h.loc[h.epoch == ours["epoch"], ours["history"]].iloc[0])
                  for h in histories if (h.epoch == ours["epoch"]).any()]
        summary = {**seed_summary(values), "diverged": 0, "runs": len(values)}
        if histories and not values:  # trained, but not that far: say so rather than "not run"
            summary["short"] = f"its runs end at epoch {max(int(h.epoch.max()) for h in histories)}"
        return summary
    values, diverged = per_seed(data.jobs, setting, run, ours["measure"])
    if comparison.kind == "fact":  # a yes/no measure said in words
        return {"mean": divergence_text(diverged), "n": len(diverged)}
    return {**seed_summary(values.dropna(), positive=comparison.kind == "ratio"), "diverged": int(diverged.sum()),
            "runs": len(diverged)}


def sources(comparison: Comparison, data: ComparisonData) -> list[tuple[str, object, dict]]:
    """[(setting, ours, extra fields)] of one comparison: per setting for a run, else one."""
    ours = comparison.ours
    if ours is None:
        return [("", None, {})]
    if "of" in ours and ours["of"] is None:
        return [("", None, {})]
    if "of" in ours:
        run = data.roles.get(ours["of"], ours["of"])
        found = data.jobs[data.jobs.run == run]
        n_train = int(found.n_train.iloc[0]) if len(found) else None
        measure = f"{ours['history']} after epoch {ours['epoch']}" if "history" in ours else ours["measure"]
        return [(setting, run_summary(comparison, data, setting, run), {"n_train": n_train,
                                                                         "source": f"{run} {measure}"})
                for setting in data.run_settings[run]]
    if "baseline" in ours:
        result = data.baselines.get(ours["baseline"])
        return [("", None if result is None else result[ours["measure"]], {})]
    if "fact" in ours:
        value = data.facts[ours["fact"]]
        if "variant_of" in ours:
            run = data.roles.get(ours["variant_of"], ours["variant_of"])
            value = value.get(data.run_inputs[run])
        return [("", value, {})]
    if "macs" in ours:
        return [("", network_macs(**ours["macs"]), {})]
    return [("", convolution_multiplications(**ours["convolution"]), {})]


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
    elif kind == "accuracy":
        row["difference"] = value - paper
        row["verdict"] = verdict(paper, value, comparison.tolerance)
    elif kind == "ratio":
        row["difference"] = value / paper if paper else None
        row["verdict"] = "other machine (ratio shown)"
    elif kind == "epochs":
        row["difference"] = value - paper
        row["verdict"] = "reproduced" if abs(value - paper) <= EPOCH_TOLERANCE else "differs"
    elif kind == "setup":
        numbers = isinstance(value, (int, float)) and isinstance(paper, (int, float))
        row["difference"] = value - paper if numbers else None
        row["verdict"] = "expected (stand-in data)" if value != paper else "same"
    else:  # count or fact
        row["difference"] = value - paper if kind == "count" else None
        row["verdict"] = "reproduced" if value == paper else "differs"
    return row


COLUMNS = ["section", "quantity", "setting", "paper", "ours", "sd", "ci_low", "ci_high", "seeds", "kind", "difference",
           "verdict", "source", "table", "row", "column"]


def evaluate_comparisons(comparisons: list[Comparison], data: ComparisonData) -> pd.DataFrame:
    """Every comparison beside ours: a DataFrame of ``COLUMNS``, one row per comparison and
    setting, ordered by section as first declared, then setting, then declaration order."""
    rows = []
    for comparison in comparisons:
        for setting, ours, extra in sources(comparison, data):
            rows.append(judged_row(comparison, setting, ours, quantity_text(comparison, extra), data.stand_in,
                                   extra.get("source"), data.comparable))
    table = pd.DataFrame(rows, columns=COLUMNS)
    sections = {name: i for i, name in enumerate(dict.fromkeys(table.section))}
    settings = {name: i for i, name in enumerate(dict.fromkeys(table.setting))}
    order = sorted(range(len(table)), key=lambda i: (sections[table.section[i]], settings[table.setting[i]], i))
    return table.iloc[order].reset_index(drop=True)


def table_columns(declarations: list[dict], table: str) -> dict[str, str]:
    """{reference column: our measure} of the table declaration whose rows are ``table``."""
    for declaration in declarations:
        if declaration.get("rows") == table:
            return {column: column_spec(spec, declaration["kind"])[0]
                    for column, spec in declaration["columns"].items()}
    raise ConfigError(f"no comparison declares the columns of {table}")
