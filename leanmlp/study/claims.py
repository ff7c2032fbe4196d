"""The paper's claims judged on our runs, with the uncertainty the seeds and the test set allow.

A claim (declared in the experiments file) names a measure, the role whose runs it is
measured on, optionally a second role it is compared with (difference or relative change,
``pairing: paired`` by seed where the seeds really pair the runs, else ``unpaired``), and a
threshold: ``above``, ``below``, or ``within`` a margin of the paper's own figure. Per optimizer
setting it gets the mean, the standard deviation over seeds and an interval, and one verdict:

- supported / not supported: the whole interval lies on the claimed side of the threshold (or
  within the margin), or wholly on the other (with one seed, the single value decides, and the
  verdict says it is a single-seed indication);
- inconclusive: the interval straddles the threshold; the row then says the smallest effect its
  seeds and test set could have detected; for divergence, some seeds diverged and some did not;
- not run: a run it needs has no result (never decided by a NaN);
- diverged: a run it measures diverged, so its accuracy or time says nothing.

Two more kinds compare with results no seed varies: ``minus_best_baseline`` subtracts the best
scikit-learn baseline's result (one fit; its split's sampling error is added), and a ``fact``
claim compares two training sets' sizes, which are exact (no interval: the value decides).

The interval holds two sources of uncertainty: the spread over seeds, and the sampling error
of the split an accuracy is measured on (binomial, p(1 - p) / n, added for each model; the
same images score every seed, so more seeds do not shrink it). Its level is corrected for the
number of verdicts read together (Bonferroni: each is a 1 - 0.05 / m interval).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
NOT_RUN, DIVERGED = "not run", "diverged"
FAMILY_ALPHA = 0.05  # the chance, over all verdicts read together, that any interval misses
POWER = 0.8  # for the smallest effect an inconclusive verdict could have detected

# The split whose images an accuracy is measured on, for its binomial sampling error.
MEASURED_ON = {"final_train_acc": ("train",), "final_valid_acc": ("valid",), "best_valid_acc": ("valid",),
               "test_acc_final": ("test",), "test_acc_best_valid": ("test",),
               "generalisation_gap": ("train", "valid")}
SPLIT_ACCURACY = {"train": "final_train_acc", "valid": "final_valid_acc"}  # the accuracies of the gap
BASELINE_MEASURED_ON = {"valid_acc": "valid", "test_acc": "test"}  # a baseline's result keys
EVERY_SETTING = "every setting"  # the setting column of a fact claim: sizes do not depend on the optimizer


@dataclass
class FixedResults:
    """Results that no seed varies. baselines: {model: result dict}; facts: {fact: {run: value}},
    a number of each run's training set (its size in MB, say)."""

    baselines: dict = field(default_factory=dict)
    facts: dict = field(default_factory=dict)

# Measures computed from the per-seed results rather than read from them.
DERIVED_MEASURES = {
    "generalisation_gap": lambda jobs: jobs.final_train_acc - jobs.final_valid_acc,
    "diverged": lambda jobs: jobs.diverged.astype(float),
}


def seed_summary(values: Iterable[float]) -> dict:
    """n, mean, standard deviation (ddof 1) and the 95% t-interval of per-seed values.

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
    half = float(stats.t.ppf(0.975, n - 1)) * std / math.sqrt(n)
    return {"n": n, "mean": mean, "std": std, "ci_low": mean - half, "ci_high": mean + half}


def binomial_variance(accuracy: float, n_images: int) -> float:
    """The sampling variance of an accuracy measured on ``n_images`` images."""
    return accuracy * (1 - accuracy) / n_images


def combined_interval(mean: float, seed_parts: list[tuple[float, int]], fixed_variance: float,
                      level: float) -> tuple[float, float, float, float]:
    """An interval around ``mean`` whose variance adds the seeds' and a known (sampling) part.

    seed_parts : [(standard deviation over seeds, number of seeds)], one per group of seeds
        (one for a paired difference or a single role, two for an unpaired comparison)
    fixed_variance : variance known without estimating it (the split's binomial sampling)
    The degrees of freedom are Welch-Satterthwaite's (only the seeds' part is estimated).
    Returns (low, high, standard error, degrees of freedom).
    """
    estimated = [std ** 2 / n for std, n in seed_parts]
    variance = sum(estimated) + fixed_variance
    se = math.sqrt(variance)
    denominator = sum(part ** 2 / (n - 1) for part, (_, n) in zip(estimated, seed_parts, strict=True))
    df = variance ** 2 / denominator if denominator > 0 else math.inf
    half = float(stats.t.ppf(1 - (1 - level) / 2, df)) * se
    return mean - half, mean + half, se, df


def detectable_effect(se: float, df: float, level: float, power: float = POWER) -> float:
    """The smallest true distance from a threshold that an interval of this standard error
    would have found at ``level`` with ``power``: what an inconclusive verdict could have told."""
    return (float(stats.t.ppf(1 - (1 - level) / 2, df)) + float(stats.t.ppf(power, df))) * se


def per_seed(jobs: pd.DataFrame, setting: str, run: str, measure: str) -> tuple[pd.Series, pd.Series]:
    """A run's measure per seed (a Series indexed by seed) and its per-seed divergence flags."""
    rows = jobs[(jobs.setting == setting) & (jobs.run == run)].set_index("seed").sort_index()
    if measure in DERIVED_MEASURES:
        values = DERIVED_MEASURES[measure](rows)
    else:
        values = rows[measure].astype(float)
    return values, rows.diverged.astype(bool)


def holds(value: float, claim: dict) -> bool:
    if "within" in claim:
        return abs(value - claim["within"]["of"]) < claim["within"]["margin"]
    return value > claim["above"] if "above" in claim else value < claim["below"]


def interval_verdict(low: float, high: float, claim: dict) -> str:
    """supported if the whole interval holds the claim, not supported if none of it does."""
    if "within" in claim:
        centre, margin = claim["within"]["of"], claim["within"]["margin"]
        if centre - margin < low and high < centre + margin:
            return SUPPORTED
        return NOT_SUPPORTED if high <= centre - margin or low >= centre + margin else INCONCLUSIVE
    ends = [holds(low, claim), holds(high, claim)]
    return SUPPORTED if all(ends) else NOT_SUPPORTED if not any(ends) else INCONCLUSIVE


def threshold_text(claim: dict) -> str:
    """'> 0.84', '< -30%', or 'within 10 points of -46.8%' for a relative change."""
    relative = "relative_to" in claim

    def shown(value: float) -> str:
        return f"{100 * value:g}%" if relative else f"{value:g}"

    if "within" in claim:
        margin = claim["within"]["margin"]
        return f"within {100 * margin:g} points of {shown(claim['within']['of'])}" if relative else \
            f"within {margin:g} of {shown(claim['within']['of'])}"
    sign, value = (">", claim["above"]) if "above" in claim else ("<", claim["below"])
    return f"{sign} {shown(value)}"


def quantity_text(claim: dict, roles: dict[str, str]) -> str:
    """What the claim measures, in words: 'test_acc_final of best_pca − best_raw (paired by seed)'."""
    text = f"{claim.get('measure', claim.get('fact'))} of {claim['of']} (`{roles[claim['of']]}`)"
    if "fact" in claim:
        pairing = "exact (a size: no seeds, no sampling)"
    elif claim.get("pairing") == "paired":
        pairing = "paired by seed"
    else:
        pairing = "unpaired: the seeds of the two runs start from unrelated weights"
    if "minus" in claim:
        text += f" − the same of {claim['minus']} (`{roles[claim['minus']]}`), {pairing}"
    elif "minus_best_baseline" in claim:
        text += (f" − {claim['minus_best_baseline']} of the best scikit-learn baseline (one fit; "
                 "its split's sampling error added)")
    elif "relative_to" in claim:
        text += f" ÷ the same of {claim['relative_to']} (`{roles[claim['relative_to']]}`) − 1, {pairing}"
        if "fact" not in claim:
            text += " (geometric means; the interval is taken on the log ratios, so it stays above −100%)"
    return text


def unjudged(result: dict, verdict: str, note: str) -> dict:
    """A claim result without a value: not run, or diverged."""
    return {**result, **seed_summary([]), "verdict": verdict, "note": note}


def sampling_variance(claim: dict, jobs: pd.DataFrame, setting: str, runs: list[str],
                      sizes: dict[str, int] | None) -> float:
    """The binomial variance of the split(s) an accuracy claim is measured on, added for every
    run it compares (as if their errors were independent: conservative for a difference measured
    on the same images). Zero for times, divergence, or without split sizes."""
    if not sizes or claim["measure"] not in MEASURED_ON or "relative_to" in claim:
        return 0.0
    splits = MEASURED_ON[claim["measure"]]
    total = 0.0
    for run in runs:
        for split in splits:
            column = claim["measure"] if len(splits) == 1 else SPLIT_ACCURACY[split]
            accuracy = float(per_seed(jobs, setting, run, column)[0].mean())
            total += binomial_variance(accuracy, sizes[split])
    return total



def judge_fact(claim: dict, roles: dict[str, str], facts: dict, result: dict) -> dict:
    """A claim on an exact number of two runs' training sets: the value alone decides."""
    values = facts.get(claim["fact"], {})
    runs = [roles[claim[key]] for key in ("of", "minus", "relative_to") if key in claim]
    missing = [run for run in runs if run not in values]
    if missing:
        return unjudged(result, NOT_RUN, f"no {claim['fact']} for `{missing[0]}`")
    of = values[runs[0]]
    value = of / values[runs[1]] - 1 if "relative_to" in claim else of - values[runs[1]] if "minus" in claim else of
    return {**result, **seed_summary([value]), "exact": True,
            "verdict": SUPPORTED if holds(value, claim) else NOT_SUPPORTED,
            "note": f"exact: {' against '.join(f'{values[run]:.4g}' for run in runs)} ({claim['fact']})"}


def best_baseline(key: str, baselines: dict[str, dict]) -> tuple[str, float]:
    """(model, value) of the baseline with the highest ``key`` (ties: the first by name)."""
    model = max(sorted(baselines), key=lambda name: baselines[name][key])
    return model, float(baselines[model][key])


def judge_claim(claim: dict, jobs: pd.DataFrame, roles: dict[str, str], setting: str,
                sizes: dict[str, int] | None = None, level: float = 0.95, fixed: FixedResults | None = None) -> dict:
    """One claim under one optimizer setting: a dict with the summary and the verdict.

    jobs : one row per (setting, run, seed), as tables/mlp_jobs.csv (columns setting, run,
        seed, diverged and the measures)
    roles : {role: run}
    sizes : {split: number of images}, for the sampling error of accuracies (None: seeds only)
    level : the interval's confidence (``judge_claims`` corrects it for the number of verdicts)
    fixed : ``FixedResults``, for claims on a baseline or a fact
    """
    fixed = fixed or FixedResults()
    result = {"id": claim["id"], "setting": setting, "paper": claim["paper"],
              "quantity": quantity_text(claim, roles), "threshold": threshold_text(claim),
              "seeds": [], "note": "", "level": level, "n_other": None, "exact": False}
    if "fact" in claim:
        return judge_fact(claim, roles, fixed.facts, result)
    of = roles[claim["of"]]
    values_of, diverged_of = per_seed(jobs, setting, of, claim["measure"])
    other_role = claim.get("minus", claim.get("relative_to"))
    if values_of.empty:
        return unjudged(result, NOT_RUN, f"`{of}` has no result")

    if claim["measure"] == "diverged":
        summary = seed_summary(values_of)
        k, n = int(values_of.sum()), len(values_of)
        result.update(summary, seeds=list(values_of.index), note=f"{k} of {n} seeds diverged")
        if 0 < k < n:
            return {**result, "verdict": INCONCLUSIVE}
        return {**result, "verdict": SUPPORTED if holds(summary["mean"], claim) else NOT_SUPPORTED}

    diverged = [f"`{of}` seed {s}" for s in diverged_of.index[diverged_of]]
    relative = "relative_to" in claim
    runs = [of]
    if other_role is not None:
        other = roles[other_role]
        runs.append(other)
        values_other, diverged_other = per_seed(jobs, setting, other, claim["measure"])
        if values_other.empty:
            return unjudged(result, NOT_RUN, f"`{other}` has no result")
        diverged += [f"`{other}` seed {s}" for s in diverged_other.index[diverged_other]]
    if diverged:
        return unjudged(result, DIVERGED, "diverged: " + ", ".join(diverged))

    baseline_variance = 0.0
    if "minus_best_baseline" in claim:
        key = claim["minus_best_baseline"]
        if not fixed.baselines:
            return unjudged(result, NOT_RUN, "no baseline has a result")
        model, baseline = best_baseline(key, fixed.baselines)
        result["quantity"] += f"; the best is {model} at {baseline:.4f}"
        if sizes:
            baseline_variance = binomial_variance(baseline, sizes[BASELINE_MEASURED_ON[key]])

    transform = np.log if relative else (lambda values: values)
    if other_role is None:
        groups = [values_of.dropna()]
    elif claim.get("pairing") == "paired":
        seeds = values_of.index.intersection(values_other.index)
        if seeds.empty:
            return unjudged(result, NOT_RUN, f"`{of}` and `{other}` share no seed to pair")
        groups = [(transform(values_of[seeds]) - transform(values_other[seeds])).dropna()]
    else:
        groups = [transform(values_of).dropna(), transform(values_other).dropna()]
    if any(group.empty for group in groups):
        return unjudged(result, NOT_RUN, "no finite value")
    mean = float(groups[0].mean() - (groups[1].mean() if len(groups) == 2 else 0.0))
    if "minus_best_baseline" in claim:
        mean -= baseline
    seeds_used = sorted({int(s) for group in groups for s in group.index})
    result.update(seeds=seeds_used, n=len(groups[0]), n_other=len(groups[1]) if len(groups) == 2 else None)
    back = math.expm1 if relative else (lambda value: value)
    if any(len(group) < 2 for group in groups):
        value = back(mean)
        verdict = SUPPORTED if holds(value, claim) else NOT_SUPPORTED
        return {**result, "mean": value, "std": math.nan, "ci_low": math.nan, "ci_high": math.nan, "se": math.nan,
                "verdict": verdict, "note": "single-seed indication: no spread to judge it against"}
    sampling = sampling_variance(claim, jobs, setting, runs, sizes) + baseline_variance
    low, high, se, df = combined_interval(mean, [(float(g.std(ddof=1)), len(g)) for g in groups], sampling, level)
    if claim["measure"] in MEASURED_ON and not relative:  # an accuracy lies in [0, 1], a difference in [-1, 1]
        compared = other_role is not None or "minus_best_baseline" in claim
        floor = -1.0 if compared or claim["measure"] == "generalisation_gap" else 0.0
        low, high = max(low, floor), min(high, 1.0)
    std = float(np.expm1(groups[0]).std(ddof=1)) if relative and len(groups) == 1 else float(groups[0].std(ddof=1))
    result.update(mean=back(mean), ci_low=back(low), ci_high=back(high), std=std, se=se,
                  sampling_se=math.sqrt(sampling))
    verdict = interval_verdict(back(low), back(high), claim)
    if verdict == INCONCLUSIVE:
        effect = detectable_effect(se, df, level)
        shown = f"{100 * math.expm1(effect):.1f}%" if relative else f"{effect:.4f}"
        sources = "its seeds and the split's images" if sampling else "its seeds"
        result["note"] = (f"underpowered: {sources} could have detected only a true distance of {shown} or more "
                          f"from the threshold ({POWER:.0%} power)")
    return {**result, "verdict": verdict}


# A judged claim's columns, in one order whichever kind of result comes first (a claim not run
# has no standard error; a DataFrame of dicts would order its columns by the first row's keys).
RESULT_COLUMNS = ["id", "setting", "paper", "quantity", "threshold", "seeds", "note", "level", "n_other", "exact",
                  "n", "mean", "std", "ci_low", "ci_high", "se", "sampling_se", "verdict"]


def family_level(n_verdicts: int, alpha: float = FAMILY_ALPHA) -> float:
    """Each interval's confidence when ``n_verdicts`` are read together (Bonferroni)."""
    return 1 - alpha / max(n_verdicts, 1)


def judge_claims(claims: list[dict], jobs: pd.DataFrame, roles: dict[str, str], settings: list[str],
                 sizes: dict[str, int] | None = None, fixed: FixedResults | None = None) -> pd.DataFrame:
    """Every claim under its settings (its own ``settings``, else ``settings``; a fact claim
    once, for every setting), as a DataFrame in the declared order, each interval at the
    Bonferroni-corrected level for all of them.
    roles : {name: run} of every name the claims use (roles, and runs for hypotheses)
    fixed : ``FixedResults`` (baselines and facts) for the claims that use them"""
    verdicts = [(claim, setting) for claim in claims
                for setting in ([EVERY_SETTING] if "fact" in claim else claim.get("settings", settings))]
    level = family_level(len(verdicts))
    return pd.DataFrame([judge_claim(claim, jobs, roles, setting, sizes, level, fixed) for claim, setting in verdicts],
                        columns=RESULT_COLUMNS)


def number_text(value: float, percent: bool = False, signed: bool = True) -> str:
    """'+0.0123' for a difference, '0.8523' (signed=False) for an absolute value, '-47.1%' for a
    relative change, '—' for a missing one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign = "+" if signed else ""
    return f"{100 * value:{sign}.1f}%" if percent else f"{value:{sign}.4f}"


def interval_text(row: Mapping, percent: bool = False, signed: bool = True) -> str:
    """'+0.0123 (99.6% interval +0.0050 to +0.0196; se 0.0031 with the test set's sampling; 3 seeds)',
    or the single value with '(1 seed)'; percent=True shows a relative change as '-47.1%',
    signed=False an absolute value without a sign."""
    if row["n"] == 0:
        return "—"
    if row.get("exact"):
        return f"{number_text(row['mean'], percent, signed)} (exact)"
    other = row.get("n_other")
    other = None if other is None or (isinstance(other, float) and math.isnan(other)) else int(other)
    n = int(row["n"])
    seeds = f"{n} + {other} seeds, unpaired" if other else f"{n} seed{'s' if n > 1 else ''}"
    if n == 1 or other == 1:
        return f"{number_text(row['mean'], percent, signed)} ({seeds})"
    level = row.get("level", 0.95)
    sampling = row.get("sampling_se")
    spread = (f"se {100 * row['se']:.1f} points on the log scale" if percent else f"se {row['se']:.4f}") \
        if "se" in row and not (isinstance(row["se"], float) and math.isnan(row["se"])) else ""
    if spread and sampling:
        spread += " with the split's sampling"
    return (f"{number_text(row['mean'], percent, signed)} ({100 * level:.3g}% interval "
            f"{number_text(row['ci_low'], percent, signed)} to {number_text(row['ci_high'], percent, signed)}"
            f"{'; ' + spread if spread else ''}; {seeds})")


def verdict_text(row: Mapping) -> str:
    text = f"**{row['verdict']}**"
    if row["n"] == 1 and not row.get("exact") and row["verdict"] in (SUPPORTED, NOT_SUPPORTED):
        text += " (single seed)"
    return text
