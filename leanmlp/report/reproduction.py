"""The reproduction report: every number of the paper beside ours, with the seeds behind it,
the paper's claims judged (see ``claims``), and which optimizer setting reproduces best.

``report_context`` builds, from plain data the stage script read, everything the report
says; ``render_report`` fills the template ``templates/report.md.j2`` with it. The words are
in the template, the numbers and their judgement here.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from scipy import stats

from leanmlp.mining.random_control import RANDOM_CONTROL
from leanmlp.nn.training import TRAIN_CURVE_SAMPLE
from leanmlp.provenance import describe
from leanmlp.report.comparisons import (
    ACCURACY_VERDICTS,
    Comparison,
    ComparisonData,
    data_facts,
    evaluate_comparisons,
    missing,
    run_facts,
)
from leanmlp.report.tables import markdown_table
from leanmlp.study.claims import (
    COUNTED,
    FAMILY_ALPHA,
    NOT_COMPARABLE,
    SUPPORTED,
    AnomalyFact,
    Claim,
    Results,
    interval_text,
    judge_claims,
    per_seed,
    seed_summary,
    verdict_text,
)
from leanmlp.study.matrix import Matrix

PAPER_EPOCHS = 100
TEMPLATES = Path(__file__).parent / "templates"


class SeedResults:
    """Per-seed results of the training jobs (tables/mlp_jobs.csv), summarised on demand."""

    def __init__(self, jobs: pd.DataFrame) -> None:
        self.jobs = jobs

    def summary(self, setting: str, run: str, measure: str) -> dict:
        """seed_summary of a measure plus the number of seeds that diverged."""
        values, diverged = per_seed(self.jobs, setting, run, measure)
        return {**seed_summary(values.dropna()), "diverged": int(diverged.sum()), "runs": len(diverged)}


def ours_text(row: Mapping) -> str:
    value, seeds = row["ours"], row["seeds"]
    if missing(value):
        return "—"
    if isinstance(value, str):
        return value
    if row["kind"] in ("count", "epochs") or (isinstance(value, (int, np.integer)) and not isinstance(value, bool)):
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:.1f}"
    else:
        text = f"{value:.4g}"
    if seeds and seeds > 1 and not missing(row["ci_low"]):
        low, high = (f"{row['ci_low']:.4g}", f"{row['ci_high']:.4g}")
        text += f" [{low}, {high}]"
    return text


def difference_text(row: Mapping) -> str:
    difference = row["difference"]
    if difference is None or missing(difference):
        return "—"
    if row["kind"] == "ratio":
        return f"×{difference:.3g}"
    if row["kind"] in ("count", "epochs", "setup"):
        return f"{difference:+,.0f}" if float(difference).is_integer() else f"{difference:+.1f}"
    return f"{difference:+.4f}"


def verdict_counts(table: pd.DataFrame) -> dict[str, int]:
    """{verdict: count}: the accuracy verdicts first (each, even at 0), then the others by name."""
    counts = table.verdict.value_counts()
    others = {name: int(count) for name, count in sorted(counts.items()) if name not in ACCURACY_VERDICTS}
    return {**{name: int(counts.get(name, 0)) for name in ACCURACY_VERDICTS}, **others}


def comparisons_markdown(table: pd.DataFrame) -> str:
    """The comparison rows as Markdown: ours is the mean over seeds with its 95% interval."""
    shown = pd.DataFrame({
        "section": table.section, "quantity": table.quantity,
        "setting": table.setting.replace("", "—"),
        "paper": ["—" if missing(v) else f"{v:g}" if isinstance(v, float) else str(v) for v in table.paper],
        "ours [95% interval]": [ours_text(row) for _, row in table.iterrows()],
        "sd": [("—" if missing(sd) or isinstance(sd, str) else f"{sd:.4g}") for sd in table.sd],
        "seeds": [("—" if missing(s) else f"{int(s)}") for s in table.seeds],
        "difference": [difference_text(row) for _, row in table.iterrows()],
        "verdict": table.verdict})
    return markdown_table(shown)


@dataclass(frozen=True)
class ReportPlan:
    """What the plan declares for the report, parsed: the run's name and data, the optimizer
    settings the tables compare, {role: run}, every run's settings, seeds and training input,
    the comparisons, claims and hypotheses, and the scale it ran at."""

    name: str
    data: Mapping
    settings: tuple[str, ...]
    roles: Mapping[str, str]
    run_settings: Mapping[str, tuple[str, ...]]
    run_inputs: Mapping[str, str]
    run_seeds: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    comparisons: tuple[Comparison, ...] = ()
    claims: tuple[Claim, ...] = ()
    hypotheses: tuple[Claim, ...] = ()
    record_settings: tuple[str, ...] = ()  # the settings the record run (Adam at lr 0.1) trains under
    comparable: bool = True  # whether the data is the paper's task
    seeds: tuple[int, ...] = (0,)  # the config's mlp.seeds
    epochs: int = PAPER_EPOCHS
    train_curve_sample: int = TRAIN_CURVE_SAMPLE
    quick: Mapping | None = None

    @property
    def names(self) -> dict[str, str]:
        """{role or run: run}: what a hypothesis may name."""
        return Matrix.names_of(self.run_settings, self.roles)

    @property
    def stand_in(self) -> bool:
        return bool(self.data.get("stand_in"))


@dataclass
class ReportInputs:
    """What the report is made of, read by the stage script.

    reference : config/paper_reference.yaml; jobs : per-seed results; split, pca : the data and
    PCA summaries; class_counts, memory : their tables; baselines : {model: result};
    histories : {(setting, run): [history DataFrame per seed]} of the runs comparisons read an
    epoch of; plan : the plan's declarations for the report; predictions : (setting, run, seed)
    -> that job's per-image predictions; labels : {split: labels} of the images they score
    """

    reference: dict
    jobs: pd.DataFrame
    split: dict
    class_counts: pd.DataFrame
    pca: dict
    memory: pd.DataFrame
    baselines: dict
    histories: dict
    plan: ReportPlan
    predictions: Callable = lambda *job: None
    labels: dict = field(default_factory=dict)


def paper_comparisons(inputs: ReportInputs, facts: dict | None = None) -> pd.DataFrame:
    """Every declared comparison evaluated: the paper's numbers beside ours. facts : the
    inputs' ``data_facts``, when the caller has them already."""
    plan = inputs.plan
    data = ComparisonData(inputs.jobs, plan.run_settings, inputs.histories, inputs.baselines,
                          facts or data_facts(inputs.split, inputs.pca, inputs.memory), plan.run_inputs, plan.roles,
                          plan.stand_in, plan.comparable)
    return evaluate_comparisons(plan.comparisons, data)


def shared_accuracies(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The accuracy comparisons that rank the optimizer settings: each distinct number once per
    setting (one item per our run and measure and the paper's number, so a table row that is
    also a figure's counts once), and only the numbers compared under every setting, so the
    settings are ranked on the same items. Adds their |difference|."""
    accuracy = comparisons[comparisons.verdict.isin(ACCURACY_VERDICTS) & (comparisons.kind == "accuracy")
                           & (comparisons.setting != "")].drop_duplicates(["setting", "source", "paper"])
    settings = accuracy.setting.nunique()
    shared = accuracy.groupby(["source", "paper"]).setting.transform("nunique") == settings
    accuracy = accuracy[shared]
    return accuracy.assign(abs_difference=accuracy.difference.astype(float).abs())


# The agreement table's columns, by what they say.
AGREEMENT_COLUMNS = {"compared": "numbers compared", "reproduced": "reproduced (within 1 point)",
                     "mean_abs_difference": "mean |ours − paper|"}


def setting_agreement(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Per optimizer setting, over ``shared_accuracies``: the numbers compared, how many
    reproduced, the mean |difference|; closest first."""
    return shared_accuracies(comparisons).groupby("setting").agg(
        compared=("verdict", "size"), reproduced=("verdict", lambda v: int((v == "reproduced").sum())),
        mean_abs_difference=("abs_difference", "mean")).sort_values("mean_abs_difference")


def best_setting(comparisons: pd.DataFrame, agreement: pd.DataFrame) -> dict | None:
    """Which setting reproduces the paper's accuracies best, judged by a paired t-test over
    ``shared_accuracies`` (the items the agreement table counts) between the best and the
    runner-up setting. Returns {best, runner_up, n_items, best_difference,
    runner_up_difference, t, p} (None where there is nothing to compare).
    agreement : ``setting_agreement(comparisons)``, the settings ranked."""
    if agreement.empty:
        return None
    best = agreement.index[0]
    result = {"best": best, "runner_up": None, "n_items": int(agreement.loc[best, "compared"]),
              "best_difference": float(agreement.loc[best, "mean_abs_difference"])}
    if len(agreement) < 2:
        return result
    runner_up = agreement.index[1]  # the ranking's second
    items = shared_accuracies(comparisons).pivot_table(index=["source", "paper"], columns="setting",
                                                       values="abs_difference")[[best, runner_up]]
    result.update(runner_up=runner_up, t=None, p=None,
                  runner_up_difference=float(agreement.loc[runner_up, "mean_abs_difference"]))
    if len(items) >= 2 and (items[best] - items[runner_up]).std() > 0:
        test = stats.ttest_rel(items[best], items[runner_up])
        result.update(t=float(test.statistic), p=float(test.pvalue))
    return result


# A network "collapsed" when its valid accuracy is within this of always guessing the most common
# class; it "did not learn" while it stays nearer that share than the same model's accuracy under
# the other settings.
COLLAPSE_MARGIN = 0.02


def learning_state(valid: float, majority_share: float, elsewhere: float) -> str:
    """'collapsed', 'failed' or 'learned': a valid accuracy judged against the majority-class
    share (with COLLAPSE_MARGIN) and against ``elsewhere``, the same model's best mean valid
    accuracy under another setting (NaN where it has none)."""
    if valid <= majority_share + COLLAPSE_MARGIN:
        return "collapsed"
    if not math.isnan(elsewhere) and valid - majority_share < (elsewhere - majority_share) / 2:
        return "failed"
    return "learned"


def record_runs(inputs: ReportInputs, majority_share: float, chance: float) -> dict | None:
    """What the paper's stated optimizer (Adam at lr 0.1) did, judged against always guessing
    the most common class, chance, and the same model under the other settings: {run,
    majority_share, chance, records: [{setting, valid, state}], same_model: [{setting, valid}],
    failed_everywhere, seeds}; None without a record role."""
    plan = inputs.plan
    run = plan.roles.get("record")
    if run is None:
        return None
    results = SeedResults(inputs.jobs)
    same_model = [{"setting": setting, "valid": results.summary(setting, plan.roles["best_raw"], "final_valid_acc")}
                  for setting in plan.settings]
    elsewhere = max((same["valid"]["mean"] for same in same_model if same["valid"]["n"]), default=math.nan)
    records = []
    for setting in plan.record_settings:
        valid = results.summary(setting, run, "final_valid_acc")
        state = learning_state(valid["mean"], majority_share, elsewhere) if valid["n"] else None
        records.append({"setting": setting, "valid": valid, "state": state})
    return {"run": run, "majority_share": majority_share, "chance": chance, "records": records,
            "same_model": same_model, "margin": COLLAPSE_MARGIN,
            "failed_everywhere": bool(records) and all(r["state"] in ("collapsed", "failed") for r in records),
            "seeds": sum(r["valid"]["n"] for r in records)}


def claim_value_text(row: Mapping, claim: Claim) -> str:
    """A claim's number as a reader wants it: the estimate with its interval, a relative change
    in percent, or for diverged runs the note; a divergence count with its exact bounds."""
    if row["verdict"] == "diverged":
        return row["note"]
    if claim.measure == "diverged":
        count = f"{round(row['mean'] * row['n'])} of {row['n']} seeds diverged"
        if missing(row.get("ci_low")):
            return count
        bounds = f"rate between {row['ci_low']:.2f} and {row['ci_high']:.2f}"
        return f"{count} ({bounds}: exact {100 * row['level']:.3g}% bounds)"
    return interval_text(row, percent=claim.relative, signed=claim.compared,
                         digits=1 if claim.measure in COUNTED else 4)


def by_id(claims: Iterable[Claim]) -> dict[str, Claim]:
    return {claim.id: claim for claim in claims}


def fact_text(fact: AnomalyFact, inputs: ReportInputs, data: Mapping) -> str:
    """One fact an anomaly names, from this run: a fact of the data as it is, or a measure's
    mean over seeds under each setting of its run ('0.6912 under `sgd_lr0.1`, ...; 3 seeds each')."""
    if fact.fact is not None:
        value = data[fact.fact]
        return f"{value:,}" if isinstance(value, int) else str(value)
    run = inputs.plan.names[fact.of]
    measure, results, parts, seeds = fact.measure, SeedResults(inputs.jobs), [], set()
    for setting in fact.settings or inputs.plan.run_settings[run]:
        summary = results.summary(setting, run, measure)
        seeds.add(summary["runs"])
        if not summary["runs"]:
            parts.append(f"not run under `{setting}`")
        elif measure == "diverged":
            parts.append(f"{round(summary['mean'] * summary['n'])} of {summary['n']} seeds under `{setting}`")
        else:
            mean = summary["mean"]
            shown = f"{mean:.0f}" if measure in COUNTED and float(mean).is_integer() else \
                f"{mean:.{1 if measure in COUNTED else 4}f}"
            parts.append(f"{shown} under `{setting}`")
    if measure == "diverged" or len(seeds) != 1:
        return ", ".join(parts)
    n = next(iter(seeds))
    return ", ".join(parts) + f" ({n} seed{'s' if n != 1 else ''}{' each' if len(parts) > 1 else ''})"


def anomaly_text(hypothesis: Claim, inputs: ReportInputs, data: Mapping) -> str:
    """A hypothesis's anomaly with each {name} filled from this run's data (its ``facts``), so
    the words hold for whatever data the run is on. data : ``data_facts`` of the inputs."""
    return hypothesis.anomaly.format(**{name: fact_text(fact, inputs, data) for name, fact in hypothesis.facts.items()})


def judged_claims(claims_table: pd.DataFrame, by_id: dict[str, Claim],
                  anomalies: Mapping[str, str] | None = None) -> list[dict]:
    """Each claim with its rows per setting: {id, paper, quantity, threshold, rows: [{setting,
    verdict, value, note}]}, in the declared order. by_id : the claims parsed, by id;
    anomalies : {id: its anomaly in words, filled from this run} for hypotheses."""
    judged = []
    for claim_id, rows in claims_table.groupby("id", sort=False):
        claim = by_id[claim_id]
        first = rows.iloc[0]
        lines = []
        for _, row in rows.iterrows():
            value = claim_value_text(row, claim)
            lines.append({"setting": row["setting"], "verdict": verdict_text(row), "value": value,
                          "note": "" if row["note"] == value else row["note"]})
        judged.append({"id": claim_id, "paper": claim.paper, "quoted": claim.quoted,
                       "anomaly": (anomalies or {}).get(claim_id, claim.anomaly),
                       "exploratory": claim.exploratory,
                       "quantity": first["quantity"], "threshold": first["threshold"], "rows": lines})
    return judged


def against_chance(claims_table: pd.DataFrame, by_id: dict[str, Claim], roles: dict[str, str],
                   run_inputs: dict[str, str]) -> pd.DataFrame:
    """The rows of the claims that judge a selected set against the random control (their
    ``minus`` trains on a random subset): the verdicts the pruning section opens with."""
    def on_random(role: str | None) -> bool:
        return run_inputs.get(roles.get(role, ""), "").startswith(f"{RANDOM_CONTROL}/")

    controlled = [claim_id for claim_id, claim in by_id.items() if not claim.relative and on_random(claim.other)]
    return claims_table[claims_table.id.isin(controlled)]


def family_summary(table: pd.DataFrame | None) -> dict | None:
    """How a list's verdicts were tested together: {tests, first_level, alpha}."""
    if table is None or not len(table):
        return None
    tested = table[table.test_level.notna() & (table.exploratory != True)]  # noqa: E712 (NaN-safe)
    return {"tests": len(tested), "alpha": FAMILY_ALPHA,
            "first_level": float(tested.test_level.min()) if len(tested) else None,
            "exploratory": int((table.exploratory == True).sum())}  # noqa: E712


def claims_overview(claims_table: pd.DataFrame, by_id: dict[str, Claim]) -> pd.DataFrame:
    """One line per claim and setting: the table a reader scans first."""
    return pd.DataFrame({
        "claim": [f"`{i}`" for i in claims_table.id], "setting": claims_table.setting,
        "verdict": [verdict_text(row) for _, row in claims_table.iterrows()],
        "ours (interval, seeds)": [claim_value_text(row, by_id[row["id"]]) for _, row in claims_table.iterrows()],
        "holds if": [f"{by_id[row.id].subject} {row.threshold}" for row in claims_table.itertuples()]})\
        .pipe(markdown_table)


TRAIN_TOLERANCE = 0.03  # table 1's train column: the bar for "measured the paper's way"
ALIKE_TOLERANCE = 0.02  # a train and a valid difference this close differ alike


def train_column(comparisons: pd.DataFrame) -> dict:
    """The train accuracies of the paper's tables (evaluation mode, as the paper measured them)
    that differ from the paper's by more than 3 points, each beside the valid difference of the
    same table row and setting, so a reader can tell a model that learned differently (both
    differ alike) from a measurement that differs. Returns {tolerance, compared, far: [...]}."""
    judged = comparisons[comparisons.difference.notna() & comparisons.column.notna()]
    train = judged[judged.column == "train"]
    valid = judged[judged.column == "valid"].set_index(["table", "row", "setting"]).difference
    far = []
    for row in train[train.difference.astype(float).abs() > TRAIN_TOLERANCE].itertuples():
        key = (row.table, row.row, row.setting)
        valid_difference = float(valid[key]) if key in valid.index else math.nan
        far.append({"quantity": row.quantity, "setting": row.setting, "train": row.difference,
                    "valid": valid_difference,
                    "alike": not math.isnan(valid_difference) and abs(valid_difference - row.difference)
                    <= ALIKE_TOLERANCE})
    return {"tolerance": TRAIN_TOLERANCE, "compared": len(train), "far": far}


def seed_groups(run_seeds: dict[str, list[int]]) -> list[tuple[int, int]]:
    """[(seed count, runs with that many seeds)], fewest seeds first."""
    counts = {}
    for run, seeds in run_seeds.items():
        counts.setdefault(len(seeds), []).append(run)
    return sorted((n, len(runs)) for n, runs in counts.items())


def portable(record: dict, root: str | Path | None = None) -> dict:
    """The provenance record with the package's folder relative to the workflow's root (the
    working directory of a job), so that a published report names no folder of its machine."""
    package = record.get("package") if record else None
    if not package:
        return record
    path, root = Path(package), Path(root or Path.cwd())
    return {**record, "package": f"./{path.relative_to(root)}" if path.is_relative_to(root) else path.name}


def report_context(inputs: ReportInputs, claims_table: pd.DataFrame, comparisons: pd.DataFrame,
                   agreement: pd.DataFrame, header: dict, appendix: dict,
                   hypotheses_table: pd.DataFrame | None = None) -> dict:
    """Everything ``templates/report.md.j2`` says. header : {written, provenance, machine};
    appendix : {tables: [{title, markdown}], figures: [file names], timing: DataFrame}."""
    plan = inputs.plan
    counts = inputs.class_counts
    setup = comparisons[comparisons.kind == "setup"]
    findings = comparisons[comparisons.kind != "setup"]
    sizes = inputs.split["splits"]
    claims = by_id(plan.claims)
    data = data_facts(inputs.split, inputs.pca, inputs.memory)
    chance = against_chance(claims_table, claims, plan.roles, plan.run_inputs) if len(claims_table) \
        else claims_table
    return {
        "name": plan.name, "written": header["written"], "code": describe(portable(header["provenance"])),
        "machine": header["machine"], "data": plan.data,
        "split_sizes": {name: sizes[name]["n_samples"] for name in ("train", "valid", "test")},
        "quick": plan.quick, "comparable": plan.comparable, "train_curve_sample": plan.train_curve_sample,
        "epochs": plan.epochs, "paper_epochs": PAPER_EPOCHS,
        "seed_groups": seed_groups(plan.run_seeds), "config_seeds": list(plan.seeds),
        "supported": int((claims_table.verdict == SUPPORTED).sum()) if len(claims_table) else 0,
        "n_verdicts": len(claims_table),
        "not_comparable": int((claims_table.verdict == NOT_COMPARABLE).sum()) if len(claims_table) else 0,
        "claim_family": family_summary(claims_table),
        "claims_overview": claims_overview(claims_table, claims) if len(claims_table) else None,
        "best_setting": best_setting(comparisons, agreement),
        "agreement": markdown_table(agreement.rename(columns=AGREEMENT_COLUMNS).reset_index(), floatfmt=".4f")
        if len(agreement) else None,
        "record": record_runs(inputs, counts.valid.max() / counts.valid.sum(), 1 / len(counts)),
        "claims": judged_claims(claims_table, claims) if len(claims_table) else [],
        "against_chance": claims_overview(chance, claims) if len(chance) else None,
        "hypotheses": judged_claims(hypotheses_table, by_id(plan.hypotheses),
                                    {h.id: anomaly_text(h, inputs, data) for h in plan.hypotheses})
        if hypotheses_table is not None and len(hypotheses_table) else [],
        "hypothesis_family": family_summary(hypotheses_table),
        "train_column": train_column(findings),
        "setup": comparisons_markdown(setup) if len(setup) else None,
        "verdict_counts": verdict_counts(findings), "n_findings": len(findings),
        "findings": comparisons_markdown(findings),
        **appendix,
    }


def render_report(context: dict, template: str = "report.md.j2") -> str:
    """The report's Markdown: the template filled with ``report_context``'s output; template
    "verdicts.md.j2" gives its first section alone (the first page of Snakemake's HTML report)."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.filters["fraction"] = lambda value: "—" if missing(value) else f"{value:.4f}"
    environment.filters["plural"] = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
    environment.filters["signed"] = lambda value: "—" if missing(value) else f"{value:+.4f}"
    environment.filters["table"] = markdown_table
    return environment.get_template(template).render(**context)


def prepare(inputs: ReportInputs) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The judged claims, the comparisons, the per-setting agreement and the judged hypotheses."""
    plan = inputs.plan
    facts = data_facts(inputs.split, inputs.pca, inputs.memory)
    results = Results(inputs.jobs, inputs.predictions, inputs.labels, inputs.baselines,
                      run_facts(facts, plan.run_inputs))
    claims_table = judge_claims(plan.claims, results, plan.roles, plan.settings, comparable=plan.comparable)
    hypotheses_table = judge_claims(plan.hypotheses, results, plan.names, plan.settings, comparable=plan.comparable)
    comparisons = paper_comparisons(inputs, facts)
    agreement = setting_agreement(comparisons)
    return claims_table, comparisons, agreement, hypotheses_table

