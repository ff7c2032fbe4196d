"""The paper's claims judged on our runs, with the power the seeds and the images hold.

A claim (declared in the experiments file, parsed once into a ``Claim``) names a measure, the
role whose runs it is measured on, optionally what it is compared with (a second role: a
difference, ``pairing: paired`` by seed where the seeds start from the same weights, or a
relative change; or a scikit-learn baseline), and a ``Threshold``: above, below, or within a
margin. Per optimizer setting it gets an estimate, its uncertainty and one verdict:

- an accuracy is the mean of a seeds x images table of 0/1 scores read from the jobs'
  predictions files, every model scored on the same images; its standard error comes from
  the seeds and the images crossed (``leanmlp.study.paired``), so what two models share image
  by image cancels in their difference;
- a time, an epoch count or another per-seed number is judged over its seeds alone (a time
  on the log scale: a relative change is a ratio);
- each verdict is a one-sided test in the direction the estimate lies: ``above``/``below``
  claims test the claimed side against the threshold, ``within`` claims need both one-sided
  tests (TOST); divergence counts are judged by exact binomial tests;
- the verdicts read together (the claims; apart from them the hypotheses) share Holm's
  step-down at a 5% familywise level; exploratory hypotheses (declared after their runs were
  seen) are each tested at 5% alone and marked so; an exact size and a single seed stand
  outside any family.

supported / not supported: the test rejects the claim's opposite / the claim; inconclusive:
neither (the row says what would decide it); not run: a run it needs has no result (never a
verdict from a NaN); diverged: a run it measures diverged, so its accuracy says nothing.
The interval shown beside a verdict is the two-sided one of its test's level (1 - 2 x the
Holm level), so supported means the whole interval lies on the claimed side.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from leanmlp.nn.predictions import prediction_key
from leanmlp.study.paired import Estimate, binomial_bounds, binomial_p_values, crossed_estimate, holm, t_p_values

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
NOT_RUN, DIVERGED = "not run", "diverged"
# A number measured on another task (the demo's digits) beside the paper's: shown, never judged.
NOT_COMPARABLE = "not comparable (another dataset)"
NOT_JUDGED = "not judged: its threshold is the paper's own figure, measured on EMNIST"
FAMILY_ALPHA = 0.05  # the chance, over all verdicts of a family, that any one of them is wrong
EVERY_SETTING = "every setting"  # the setting column of a fact claim: sizes do not depend on the optimizer

# Accuracies read image by image from a job's predictions: (split, checkpoint). The gap is the
# train accuracy (one number per seed) minus the valid scores.
PER_IMAGE = {"final_valid_acc": ("valid", "final"), "test_acc_final": ("test", "final"),
             "test_acc_best_valid": ("test", "best"), "generalisation_gap": ("valid", "final")}
ACCURACIES = {*PER_IMAGE, "final_train_acc", "best_valid_acc"}
BASELINE_KEYS = {"valid_acc": "valid", "test_acc": "test"}  # a baseline's result key -> its split

# What a measure or a fact is, in words, for the report's sentences (its name stays in the CSVs).
MEASURE_WORDS = {
    "final_train_acc": "train accuracy after the last epoch", "final_valid_acc": "valid accuracy after the last epoch",
    "best_valid_acc": "best valid accuracy over the epochs", "test_acc_final": "test accuracy after the last epoch",
    "test_acc_best_valid": "test accuracy at the best valid epoch",
    "generalisation_gap": "generalisation gap (train minus valid accuracy, after the last epoch)",
    "diverged": "divergence (a loss blown up or not finite)",
    "best_valid_loss_epoch": "epoch of the lowest valid loss",
    "seconds_total": "training seconds (wall clock)", "seconds_per_epoch_median": "wall seconds per epoch (median)",
    "cpu_seconds_per_epoch_median": "CPU seconds per epoch (median)",
    "share_of_raw": "memory of the training set as a share of the raw pixels'",
    "training_data_mb": "memory of the training set (MB)",
}


def measure_words(name: str) -> str:
    return MEASURE_WORDS.get(name, name.replace("_", " "))


# Facts of the data, PCA and memory summaries a declaration may name (the report's data_facts).
FACTS = ("train_size", "valid_size", "test_size", "train_per_class", "valid_per_class", "train_disk_mb",
         "all_splits_disk_mb", "pca_components", "pca_explained_variance")

# Measures counted in whole units (epochs): their means are shown to one place.
COUNTED = {"best_valid_loss_epoch", "epochs_run"}

# Measures computed from the per-seed results rather than read from them.
DERIVED_MEASURES = {
    "generalisation_gap": lambda jobs: jobs.final_train_acc - jobs.final_valid_acc,
    "diverged": lambda jobs: jobs.diverged.astype(float),
}


@dataclass(frozen=True)
class Threshold:
    """Where the claim holds: above ``low``, below ``high``, or strictly between (within)."""

    low: float = -math.inf
    high: float = math.inf
    centre: float | None = None  # a `within` claim's figure

    @classmethod
    def parse(cls, declaration: Mapping) -> "Threshold":
        if "within" in declaration:
            centre, margin = declaration["within"]["of"], declaration["within"]["margin"]
            return cls(centre - margin, centre + margin, centre)
        if "above" in declaration:
            return cls(low=declaration["above"])
        return cls(high=declaration["below"])

    @property
    def both_sides(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)

    @property
    def paper_figure(self) -> bool:
        """Whether the claim is measured against a figure the paper measured on its data (a
        `within` some non-zero number), rather than a difference of two of our models from zero."""
        return self.centre is not None and self.centre != 0

    def holds(self, value: float) -> bool:
        return self.low < value < self.high

    def on_log_scale(self) -> "Threshold":
        """The same threshold on a relative change, as a log ratio."""
        log = lambda value: math.log1p(value) if value > -1 else -math.inf  # noqa: E731
        return Threshold(log(self.low), log(self.high), None if self.centre is None else log(self.centre))

    def distance(self, value: float) -> float:
        """How far ``value`` lies from the nearest bound that decides it."""
        return min(abs(value - bound) for bound in (self.low, self.high) if math.isfinite(bound))

    def text(self, relative: bool) -> str:
        """'> 0', '< -1%', or 'within 10 points of -46.8%'."""
        def shown(value: float) -> str:
            return f"{100 * value:g}%" if relative else f"{value:g}"

        if self.both_sides:
            margin = (self.high - self.low) / 2
            return f"within {100 * margin:g} points of {shown(self.centre)}" if relative else \
                f"within {margin:g} of {shown(self.centre)}"
        return f"> {shown(self.low)}" if math.isfinite(self.low) else f"< {shown(self.high)}"


@dataclass(frozen=True)
class AnomalyFact:
    """A number an anomaly's words name, measured on the run: a measure's mean over the seeds
    of a role or run (under its settings, or these), or a fact of the data."""

    measure: str | None = None
    of: str | None = None
    settings: tuple[str, ...] | None = None
    fact: str | None = None

    @classmethod
    def parse(cls, declaration: Mapping) -> "AnomalyFact":
        settings = declaration.get("settings")
        return cls(declaration.get("measure"), declaration.get("of"), tuple(settings) if settings else None,
                   declaration.get("fact"))


@dataclass(frozen=True)
class Claim:
    """One declared claim or hypothesis, parsed once. ``other`` is the role compared with
    (minus or relative_to); ``baseline`` a scikit-learn model's name or 'best'."""

    id: str
    paper: str
    quoted: bool
    of: str
    threshold: Threshold
    measure: str | None = None
    fact: str | None = None
    other: str | None = None
    relative: bool = False
    paired: bool = False
    baseline: str | None = None
    baseline_key: str | None = None
    settings: tuple[str, ...] | None = None
    anomaly: str | None = None
    exploratory: bool = False
    facts: Mapping[str, AnomalyFact] = field(default_factory=dict)  # a hypothesis: what its anomaly names

    @classmethod
    def parse(cls, declaration: Mapping) -> "Claim":
        baseline = ("best", declaration["minus_best_baseline"]) if "minus_best_baseline" in declaration else \
            (declaration["minus_baseline"]["model"], declaration["minus_baseline"]["result"]) \
            if "minus_baseline" in declaration else (None, None)
        settings = declaration.get("settings")
        return cls(id=declaration["id"], paper=declaration["paper"], quoted=declaration.get("quoted", False),
                   of=declaration["of"], threshold=Threshold.parse(declaration),
                   measure=declaration.get("measure"), fact=declaration.get("fact"),
                   other=declaration.get("minus", declaration.get("relative_to")),
                   relative="relative_to" in declaration, paired=declaration.get("pairing") == "paired",
                   baseline=baseline[0], baseline_key=baseline[1],
                   settings=tuple(settings) if settings else None, anomaly=declaration.get("anomaly"),
                   exploratory=declaration.get("exploratory", False),
                   facts={name: AnomalyFact.parse(fact) for name, fact in declaration.get("facts", {}).items()})

    @property
    def compared(self) -> bool:
        return self.other is not None or self.baseline is not None

    @property
    def subject(self) -> str:
        """What the threshold is set on, in a word or three: 'the difference', 'the change'."""
        if self.relative:
            return "the change"
        if self.compared:
            return "the difference"
        if self.measure == "diverged":
            return "the share of seeds that diverged"
        return f"the {measure_words(self.measure or self.fact)}"

    def quantity_text(self, roles: Mapping[str, str], describe: Callable[[str], str] = str) -> str:
        """What the claim measures, in words: the measure and each run by its description, the
        role's name as code beside it. describe : run -> its description."""
        def named(role: str) -> str:
            return f"{describe(roles[role])} (`{role}`)"

        text = f"{measure_words(self.measure or self.fact)} of {named(self.of)}"
        if self.fact:
            pairing = "exact (a size: no seeds, no sampling)"
        elif self.paired:
            pairing = "paired by seed and image"
        elif self.measure in PER_IMAGE:
            pairing = "paired by image; the two runs' seeds start from unrelated weights"
        else:
            pairing = "unpaired: one number per seed, the seeds of the two runs unrelated"
        if self.other and not self.relative:
            text += f" − the same of {named(self.other)}, {pairing}"
        elif self.other:
            text += f" ÷ the same of {named(self.other)} − 1, {pairing}"
            if not self.fact:
                text += " (judged on the log ratio, so it stays above −100%)"
        elif self.baseline:
            which = "the best scikit-learn baseline" if self.baseline == "best" else f"baseline {self.baseline}"
            split = BASELINE_KEYS.get(self.baseline_key, self.baseline_key)
            text += f" − the {split} accuracy of {which} (one fit, paired by image)"
        return text


@dataclass
class Results:
    """What the claims are judged on.

    jobs : one row per (setting, run, seed), as tables/mlp_jobs.csv
    predictions : (setting, run, seed) -> that job's predictions arrays (see
        ``leanmlp.nn.predictions``), e.g. a loader of its file; None where there are none
    labels : {split: labels} of the images the predictions score
    baselines : {model: result dict}, with its predictions under 'predictions' where kept
    facts : {fact: {run: value}}, exact numbers of each run's training set (sizes in MB)
    """

    jobs: pd.DataFrame
    predictions: Callable[[str, str, int], Mapping[str, np.ndarray] | None] = lambda *job: None
    labels: Mapping[str, np.ndarray] = field(default_factory=dict)
    baselines: Mapping[str, dict] = field(default_factory=dict)
    facts: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def per_seed(self, setting: str, run: str, measure: str) -> tuple[pd.Series, pd.Series]:
        return per_seed(self.jobs, setting, run, measure)

    def describe(self, run: str) -> str:
        """The run's model and training set in words (its description in the jobs table), else
        its name as code."""
        rows = self.jobs[self.jobs.run == run] if "description" in self.jobs else self.jobs.iloc[:0]
        return str(rows.description.iloc[0]) if len(rows) else f"`{run}`"

    def scores(self, setting: str, run: str, seeds: Iterable[int], measure: str) -> np.ndarray | None:
        """The seeds x images table of a per-image measure (None without predictions)."""
        split, checkpoint = PER_IMAGE[measure]
        rows = []
        for seed in seeds:
            arrays = self.predictions(setting, run, int(seed))
            key = prediction_key(split, checkpoint)
            if arrays is None or key not in arrays or split not in self.labels:
                return None
            if len(arrays[key]) != len(self.labels[split]):
                raise Unjudged(NOT_RUN, f"the predictions of `{run}` seed {seed} score {len(arrays[key])} {split} "
                                        f"images, the split has {len(self.labels[split])} (rerun its training)")
            rows.append(arrays[key] == self.labels[split])
        table = np.array(rows, dtype=np.float64)
        if measure == "generalisation_gap":
            train = self.per_seed(setting, run, "final_train_acc")[0]
            table = train.loc[list(seeds)].to_numpy()[:, None] - table
        return table

    def baseline_scores(self, model: str, key: str) -> np.ndarray | None:
        split = BASELINE_KEYS[key]
        predicted = self.baselines[model].get("predictions", {}).get(prediction_key(split, "final"))
        return None if predicted is None or split not in self.labels else \
            (predicted == self.labels[split]).astype(np.float64)[None, :]


def seed_summary(values: Iterable[float], positive: bool = False) -> dict:
    """n, mean, standard deviation (ddof 1) and the 95% t-interval of per-seed values; for a
    quantity that is positive by nature (a duration, a size: ``positive``) the interval is taken
    on the log scale, so it never reaches below zero.

    With one value the spread and interval are NaN: one seed says nothing about them.
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return {"n": 0, "mean": math.nan, "std": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    mean = float(values.mean())
    if n == 1:
        return {"n": 1, "mean": mean, "std": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    std = float(values.std(ddof=1))
    quantile = float(stats.t.ppf(0.975, n - 1)) / math.sqrt(n)
    if positive and (values > 0).all():
        logs = np.log(values)
        half = quantile * float(logs.std(ddof=1))
        return {"n": n, "mean": mean, "std": std, "ci_low": math.exp(logs.mean() - half),
                "ci_high": math.exp(logs.mean() + half)}
    return {"n": n, "mean": mean, "std": std, "ci_low": mean - quantile * std, "ci_high": mean + quantile * std}


def per_seed(jobs: pd.DataFrame, setting: str, run: str, measure: str) -> tuple[pd.Series, pd.Series]:
    """A run's measure per seed (a Series indexed by seed) and its per-seed divergence flags."""
    rows = jobs[(jobs.setting == setting) & (jobs.run == run)].set_index("seed").sort_index()
    if measure in DERIVED_MEASURES:
        values = DERIVED_MEASURES[measure](rows)
    else:
        values = rows[measure].astype(float)
    return values, rows.diverged.astype(bool)


def best_baseline(key: str, baselines: Mapping[str, dict]) -> str:
    """The baseline with the highest ``key`` (ties: the first by name)."""
    return max(sorted(baselines), key=lambda name: baselines[name][key])


@dataclass
class Judged:
    """One verdict in the making: its row, and the p-values its family's step-down reads
    (None for a verdict outside any family: exact, single seed, not run, diverged)."""

    row: dict
    p_support: float | None = None
    p_refute: float | None = None
    estimate: Estimate | None = None
    divergence: tuple[int, int] | None = None  # (diverged, seeds)

    @property
    def p_value(self) -> float:
        return min(self.p_support, self.p_refute)


class Unjudged(Exception):
    """A claim that gets no test: its verdict (not run, diverged) and why."""

    def __init__(self, verdict: str, note: str):
        super().__init__(note)
        self.verdict, self.note = verdict, note


def judge_fact(claim: Claim, results: Results, roles: Mapping[str, str], row: dict) -> Judged:
    """A claim on an exact number of two runs' training sets: the value alone decides."""
    values = results.facts.get(claim.fact, {})
    runs = [roles[name] for name in (claim.of, claim.other) if name]
    missing = [run for run in runs if run not in values]
    if missing:
        raise Unjudged(NOT_RUN, f"no {claim.fact} for `{missing[0]}`")
    first = values[runs[0]]
    value = first / values[runs[1]] - 1 if claim.relative else first - values[runs[1]] if claim.other else first
    row.update(seed_summary([value]), exact=True, verdict=SUPPORTED if claim.threshold.holds(value) else NOT_SUPPORTED,
               note=f"exact: {' against '.join(f'{values[run]:.4g}' for run in runs)} ({claim.fact})")
    return Judged(row)


def judge_divergence(claim: Claim, values: pd.Series, row: dict) -> Judged:
    """k of n seeds diverged, against the claimed rate: exact binomial tests."""
    k, n = int(values.sum()), len(values)
    above = math.isfinite(claim.threshold.low)  # the plan allows a divergence claim above or below a rate
    p_many, p_few = binomial_p_values(k, n, claim.threshold.low if above else claim.threshold.high)
    p_support, p_refute = (p_many, p_few) if above else (p_few, p_many)
    row.update(seed_summary(values), seeds=list(values.index))
    return Judged(row, p_support, p_refute, divergence=(k, n))


def comparison_tables(claim: Claim, results: Results, roles: Mapping[str, str], setting: str,
                      row: dict) -> tuple[list[np.ndarray], list[int]]:
    """The tables (seeds x images, or seeds x 1 for a per-seed measure) and signs whose
    signed means make the claim's quantity; raises Unjudged where a run is missing or diverged."""
    names = [name for name in (claim.of, claim.other) if name]
    per_run = []
    for name in names:
        values, diverged = results.per_seed(setting, roles[name], claim.measure)
        if values.empty:
            raise Unjudged(NOT_RUN, f"`{roles[name]}` has no result")
        per_run.append((name, values.dropna(), diverged))
    gone = [f"`{roles[name]}` seed {seed}" for name, _, diverged in per_run for seed in diverged.index[diverged]]
    if gone:
        raise Unjudged(DIVERGED, "diverged: " + ", ".join(gone))
    empty = [roles[name] for name, values, _ in per_run if values.empty]
    if empty:
        raise Unjudged(NOT_RUN, f"`{empty[0]}` has no finite value")
    seed_sets = [list(values.index) for _, values, _ in per_run]
    if claim.paired:
        shared = sorted(set(seed_sets[0]) & set(seed_sets[1]))
        if not shared:
            raise Unjudged(NOT_RUN, f"`{roles[claim.of]}` and `{roles[claim.other]}` share no seed to pair")
        seed_sets = [shared, shared]
    row.update(seeds=sorted({int(s) for seeds in seed_sets for s in seeds}), n=len(seed_sets[0]),
               n_other=len(seed_sets[1]) if len(seed_sets) == 2 and not claim.paired else None)
    if claim.measure in PER_IMAGE:
        tables = [results.scores(setting, roles[name], seeds, claim.measure)
                  for (name, _, _), seeds in zip(per_run, seed_sets, strict=True)]
        if any(table is None for table in tables):
            raise Unjudged(NOT_RUN, "no per-image predictions for a job it needs (rerun its training)")
    else:
        transform = np.log if claim.relative else np.asarray
        tables = [transform(values.loc[seeds].to_numpy(dtype=float))[:, None]
                  for (_, values, _), seeds in zip(per_run, seed_sets, strict=True)]
    signs = [1, -1][:len(tables)]
    if claim.paired:
        tables, signs = [tables[0] - tables[1]], [1]
    if claim.baseline:
        if not results.baselines:
            raise Unjudged(NOT_RUN, "no baseline has a result")
        model = best_baseline(claim.baseline_key, results.baselines) if claim.baseline == "best" else claim.baseline
        if model not in results.baselines:
            raise Unjudged(NOT_RUN, f"baseline {model} has no result")
        baseline = results.baseline_scores(model, claim.baseline_key)
        if baseline is None:
            raise Unjudged(NOT_RUN, f"baseline {model} kept no per-image predictions (rerun it)")
        row["quantity"] += f"; {model} at {results.baselines[model][claim.baseline_key]:.4f}"
        tables, signs = [*tables, baseline], [*signs, -1]
    return tables, signs


def judge_measure(claim: Claim, results: Results, roles: Mapping[str, str], setting: str, row: dict) -> Judged:
    """A claim on a measure of trained runs: its estimate and one-sided p-values."""
    if claim.measure == "diverged":
        values, _ = results.per_seed(setting, roles[claim.of], "diverged")
        if values.empty:
            raise Unjudged(NOT_RUN, f"`{roles[claim.of]}` has no result")
        return judge_divergence(claim, values, row)
    tables, signs = comparison_tables(claim, results, roles, setting, row)
    per_seed_values = tables[0].mean(axis=1)
    row["std"] = float(np.std(np.expm1(per_seed_values) if claim.relative else per_seed_values, ddof=1)) \
        if len(per_seed_values) > 1 else math.nan
    if min(row["n"], row["n_other"] or row["n"]) < 2:
        value = float(sum(sign * table.mean() for sign, table in zip(signs, tables, strict=True)))
        value = math.expm1(value) if claim.relative else value
        row.update(mean=value, verdict=SUPPORTED if claim.threshold.holds(value) else NOT_SUPPORTED,
                   note="single-seed indication: no spread to judge it against")
        return Judged(row)
    estimate = crossed_estimate(tables, signs)
    threshold = claim.threshold.on_log_scale() if claim.relative else claim.threshold
    p_low, p_high = t_p_values(estimate, threshold.low, threshold.high)
    if threshold.both_sides:  # TOST: inside needs both; outside needs one side's reverse test
        p_support, p_refute = max(p_low, p_high), min(1 - p_low, 1 - p_high)
    elif math.isfinite(threshold.low):
        p_support, p_refute = p_low, 1 - p_low
    else:
        p_support, p_refute = p_high, 1 - p_high
    return Judged(row, p_support, p_refute, estimate)


def judge_claim(claim: Claim, results: Results, roles: Mapping[str, str], setting: str) -> Judged:
    """One claim under one setting, before its family's step-down."""
    row = {"id": claim.id, "setting": setting, "paper": claim.paper,
           "quantity": claim.quantity_text(roles, results.describe),
           "threshold": claim.threshold.text(claim.relative), "seeds": [], "note": "", "exact": False,
           "exploratory": claim.exploratory, **seed_summary([])}
    try:
        return judge_fact(claim, results, roles, row) if claim.fact else \
            judge_measure(claim, results, roles, setting, row)
    except Unjudged as unjudged:
        row.update(verdict=unjudged.verdict, note=unjudged.note)
        return Judged(row)


def with_interval(judged: Judged, claim: Claim, level: float) -> dict:
    """The row with its estimate and the two-sided interval with ``level`` outside on each side."""
    row = {**judged.row, "level": 1 - 2 * level}
    if judged.divergence:
        row["ci_low"], row["ci_high"] = binomial_bounds(*judged.divergence, level)
        return row
    estimate = judged.estimate
    low, high = estimate.interval(level)
    back = math.expm1 if claim.relative else float
    if claim.measure in ACCURACIES:  # an accuracy lies in [0, 1], a difference of two in [-1, 1]
        floor = -1.0 if claim.compared or claim.measure == "generalisation_gap" else 0.0
        low, high = max(low, floor), min(high, 1.0)
    row.update(mean=back(estimate.value), ci_low=back(low), ci_high=back(high), se=estimate.se,
               seed_se=math.sqrt(estimate.seed_variance), image_se=math.sqrt(estimate.image_variance),
               df=estimate.df)
    return row


def decide(judged: Judged, claim: Claim, rejected: bool, level: float) -> dict:
    """The verdict of a tested claim at its step-down level, with the interval of that level."""
    verdict = (SUPPORTED if judged.p_support <= judged.p_refute else NOT_SUPPORTED) if rejected else INCONCLUSIVE
    row = {**with_interval(judged, claim, level), "p_value": judged.p_value, "test_level": level, "verdict": verdict}
    if judged.divergence:
        if verdict == INCONCLUSIVE:
            row["note"] = divergence_note(claim.threshold, *judged.divergence, level)
        return row
    estimate = judged.estimate
    if verdict == INCONCLUSIVE:
        threshold = claim.threshold.on_log_scale() if claim.relative else claim.threshold
        row["note"] = what_would_decide(estimate, threshold, level)
    return row


def divergence_note(threshold: Threshold, k: int, n: int, level: float) -> str:
    """What n seeds cannot rule out, and how many alike would."""
    rate = threshold.low if math.isfinite(threshold.low) else threshold.high
    text = f"{n} seeds cannot tell a divergence rate above {rate:g} from one below it at this level"
    if not 0 < rate < 1:
        return text
    alike = rate if k else 1 - rate  # the chance of every seed doing what these did, at that rate
    return text + f" ({math.ceil(math.log(level) / math.log(alike))} seeds all alike would)"


MOST_SEEDS_WORTH_NAMING = 100  # past this, "more seeds" is no practical way to decide a claim


def what_would_decide(estimate: Estimate, threshold: Threshold, level: float) -> str:
    """An inconclusive verdict's note: the seeds that would decide it if its variances held,
    or that the images of this split cannot."""
    distance = threshold.distance(estimate.value)
    if distance == 0:
        return "the estimate lies on the threshold: no number of seeds decides it"
    seeds = estimate.seeds_to_decide(distance, level, MOST_SEEDS_WORTH_NAMING)
    if seeds is None:
        return (f"the estimate lies too close to the threshold for any practical number of seeds to decide it "
                f"(more than {MOST_SEEDS_WORTH_NAMING} per run)")
    if math.isinf(seeds):
        return (f"the split's images alone leave a standard error of {math.sqrt(estimate.image_variance):.4f}, "
                f"too much for a distance of {distance:.4f} from the threshold: more seeds cannot decide it, "
                "only more images")
    return f"about {seeds} seeds per run would decide it if the estimate stayed where it is (it has " \
           f"{max(estimate.n_seeds)})"


# A judged claim's columns, in one order whichever kind of result comes first.
RESULT_COLUMNS = ["id", "setting", "paper", "quantity", "threshold", "seeds", "note", "exact", "exploratory",
                  "n", "n_other", "mean", "std", "ci_low", "ci_high", "se", "seed_se", "image_se", "df",
                  "p_value", "test_level", "level", "verdict"]


def judge_claims(claims: Iterable[Claim], results: Results, roles: Mapping[str, str], settings: list[str],
                 alpha: float = FAMILY_ALPHA, comparable: bool = True) -> pd.DataFrame:
    """Every claim under its settings (its own, else ``settings``; a fact claim once, for every
    setting), as a DataFrame in the declared order: the tested verdicts of the list are one
    family for Holm's step-down at ``alpha``, exploratory ones each a family of its own.
    roles : {name: run} of every name the claims use (roles, and runs for hypotheses);
    comparable : whether the data is the paper's task; on another, a claim against a figure the
    paper measured (a `within` a non-zero number) is shown with its 95% interval, not judged"""
    judged = [(claim, judge_claim(claim, results, roles, setting)) for claim in claims
              for setting in ([EVERY_SETTING] if claim.fact else claim.settings or settings)]
    # on another task than the paper's, a claim against the paper's own figure is shown, not judged
    shown = {index for index, (claim, j) in enumerate(judged)
             if j.p_support is not None and not comparable and claim.threshold.paper_figure}
    family = [index for index, (claim, j) in enumerate(judged)
              if j.p_support is not None and not claim.exploratory and index not in shown]
    steps = dict(zip(family, holm([judged[i][1].p_value for i in family], alpha), strict=True))
    rows = []
    for index, (claim, j) in enumerate(judged):
        if j.row.get("exact") and not comparable and claim.threshold.paper_figure:
            rows.append({**j.row, "verdict": NOT_COMPARABLE, "note": NOT_JUDGED})
        elif j.p_support is None:
            rows.append(j.row)
        elif index in shown:  # the estimate with its plain 95% interval, no verdict
            rows.append({**with_interval(j, claim, 0.025), "verdict": NOT_COMPARABLE, "note": NOT_JUDGED})
        elif index in steps:
            rows.append(decide(j, claim, steps[index].rejected, steps[index].level))
        else:  # exploratory: its own test at alpha
            rows.append(decide(j, claim, j.p_value <= alpha, alpha))
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def number_text(value: float, percent: bool = False, signed: bool = True, digits: int = 4) -> str:
    """'+0.0123' for a difference, '0.8523' (signed=False) for an absolute value, '-47.1%' for a
    relative change, '—' for a missing one; digits : after the point (1 for an epoch count)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign = "+" if signed else ""
    return f"{100 * value:{sign}.1f}%" if percent else f"{value:{sign}.{digits}f}"


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def interval_text(row: Mapping, percent: bool = False, signed: bool = True, digits: int = 4) -> str:
    """'+0.0123 (99.6% interval +0.0050 to +0.0196; 3 seeds, paired)', the single value with
    '(1 seed)', or '(exact)'; percent=True shows a relative change as '-47.1%', signed=False an
    absolute value without a sign, digits its places after the point."""
    def number(value: float) -> str:
        return number_text(value, percent, signed, digits)

    if row["n"] == 0:
        return "—"
    if row.get("exact"):
        return f"{number(row['mean'])} (exact)"
    other = None if missing(row.get("n_other")) else int(row["n_other"])
    n = int(row["n"])
    seeds = f"{n} + {other} seeds" if other else f"{n} seed{'s' if n > 1 else ''}"
    if missing(row.get("ci_low")):
        return f"{number(row['mean'])} ({seeds})"
    return f"{number(row['mean'])} ({100 * row['level']:.3g}% interval {number(row['ci_low'])} to " \
           f"{number(row['ci_high'])}; {seeds})"


def verdict_text(row: Mapping) -> str:
    text = f"**{row['verdict']}**"
    if row["n"] == 1 and not row.get("exact") and row["verdict"] in (SUPPORTED, NOT_SUPPORTED):
        text += " (single seed)"
    if row.get("exploratory") is True:
        text += " (exploratory)"
    return text

