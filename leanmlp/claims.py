"""The paper's claims judged on our runs, with the uncertainty the seeds allow.

A claim (declared in the experiments file) names a measure, the role whose runs it is
measured on, optionally a second role it is compared with (difference or relative change,
paired by seed), and a threshold with its direction. Per optimizer setting it gets the mean,
standard deviation and 95% t-interval over seeds, and one verdict:

- supported / not supported: the whole interval lies on one side of the threshold (with one
  seed, the single value decides, and the verdict says it is a single-seed indication);
- inconclusive: the interval straddles the threshold (the seeds disagree more than the
  claim's margin), or, for divergence, some seeds diverged and some did not;
- not run: a run it needs has no result (never decided by a NaN);
- diverged: a run it measures diverged, so its accuracy or time says nothing.
"""

import math

import numpy as np
import pandas as pd
from scipy import stats

SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE = "supported", "not supported", "inconclusive"
NOT_RUN, DIVERGED = "not run", "diverged"

# Measures computed from the per-seed results rather than read from them.
DERIVED_MEASURES = {
    "generalisation_gap": lambda jobs: jobs.final_train_acc - jobs.final_valid_acc,
    "diverged": lambda jobs: jobs.diverged.astype(float),
}


def seed_summary(values):
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


def relative_summary(log_summary, log_ratios):
    """A summary of log ratios turned into relative changes: the mean and interval bounds are
    exp(.) - 1 (the geometric mean change, bounds above -100% always); the sd is that of the
    per-seed relative changes."""
    changes = np.expm1(np.asarray(log_ratios, dtype=float))
    return {**log_summary, **{key: math.expm1(log_summary[key]) for key in ("mean", "ci_low", "ci_high")},
            "std": float(changes.std(ddof=1)) if len(changes) > 1 else math.nan}


def per_seed(jobs, setting, run, measure):
    """A run's measure per seed (a Series indexed by seed) and its per-seed divergence flags."""
    rows = jobs[(jobs.setting == setting) & (jobs.run == run)].set_index("seed").sort_index()
    if measure in DERIVED_MEASURES:
        values = DERIVED_MEASURES[measure](rows)
    else:
        values = rows[measure].astype(float)
    return values, rows.diverged.astype(bool)


def holds(value, claim):
    return value > claim["above"] if "above" in claim else value < claim["below"]


def threshold_text(claim):
    """'> 0.84', or '< -30%' for a relative change."""
    sign, value = (">", claim["above"]) if "above" in claim else ("<", claim["below"])
    return f"{sign} {100 * value:g}%" if "relative_to" in claim else f"{sign} {value:g}"


def quantity_text(claim, roles):
    """What the claim measures, in words: 'test_acc_final of best_pca − best_raw (paired by seed)'."""
    text = f"{claim['measure']} of {claim['of']} (`{roles[claim['of']]}`)"
    if "minus" in claim:
        text += f" − the same of {claim['minus']} (`{roles[claim['minus']]}`), paired by seed"
    elif "relative_to" in claim:
        text += (f" ÷ the same of {claim['relative_to']} (`{roles[claim['relative_to']]}`) − 1, paired by seed "
                 "(geometric mean over seeds; the interval is taken on the log ratios, so it stays above −100%)")
    return text


def unjudged(result, verdict, note):
    """A claim result without a value: not run, or diverged."""
    return {**result, **seed_summary([]), "verdict": verdict, "note": note}


def judge_claim(claim, jobs, roles, setting):
    """One claim under one optimizer setting: a dict with the summary over seeds and the verdict.

    jobs : one row per (setting, run, seed), as tables/mlp_jobs.csv (columns setting, run,
        seed, diverged and the measures)
    roles : {role: run}
    """
    result = {"id": claim["id"], "setting": setting, "paper": claim["paper"],
              "quantity": quantity_text(claim, roles), "threshold": threshold_text(claim),
              "seeds": [], "note": ""}
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
    if other_role is not None:
        other = roles[other_role]
        values_other, diverged_other = per_seed(jobs, setting, other, claim["measure"])
        if values_other.empty:
            return unjudged(result, NOT_RUN, f"`{other}` has no result")
        diverged += [f"`{other}` seed {s}" for s in diverged_other.index[diverged_other]]
        seeds = values_of.index.intersection(values_other.index)
        if seeds.empty:
            return unjudged(result, NOT_RUN, f"`{of}` and `{other}` share no seed to pair")
        if "minus" in claim:
            values = values_of[seeds] - values_other[seeds]
        else:  # on the log scale, where an interval cannot pass below -100%
            values = np.log(values_of[seeds] / values_other[seeds])
    else:
        values = values_of
    if diverged:
        return unjudged(result, DIVERGED, "diverged: " + ", ".join(diverged))
    values = values.dropna()
    if values.empty:
        return unjudged(result, NOT_RUN, "no finite value")
    summary = seed_summary(values)
    if "relative_to" in claim:
        summary = relative_summary(summary, values)
    result.update(summary, seeds=[int(s) for s in values.index])
    if summary["n"] == 1:
        verdict = SUPPORTED if holds(summary["mean"], claim) else NOT_SUPPORTED
        return {**result, "verdict": verdict, "note": "single-seed indication: no spread to judge it against"}
    ends = [holds(summary["ci_low"], claim), holds(summary["ci_high"], claim)]
    verdict = SUPPORTED if all(ends) else NOT_SUPPORTED if not any(ends) else INCONCLUSIVE
    return {**result, "verdict": verdict}


def judge_claims(claims, jobs, roles, settings):
    """Every claim under every setting, as a DataFrame in the claims' declared order."""
    return pd.DataFrame([judge_claim(claim, jobs, roles, setting)
                         for claim in claims for setting in settings])


def number_text(value, percent=False, signed=True):
    """'+0.0123' for a difference, '0.8523' (signed=False) for an absolute value, '-47.1%' for a
    relative change, '—' for a missing one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign = "+" if signed else ""
    return f"{100 * value:{sign}.1f}%" if percent else f"{value:{sign}.4f}"


def interval_text(row, percent=False, signed=True):
    """'+0.0123 (95% interval +0.0050 to +0.0196, sd 0.0031, 3 seeds)', or the single value
    with '(1 seed)'; percent=True shows a relative change as '-47.1%', signed=False an absolute
    value without a sign."""
    if row["n"] == 0:
        return "—"
    if row["n"] == 1:
        return f"{number_text(row['mean'], percent, signed)} (1 seed)"
    sd = f"{100 * row['std']:.1f}%" if percent else f"{row['std']:.4f}"
    return (f"{number_text(row['mean'], percent, signed)} (95% interval "
            f"{number_text(row['ci_low'], percent, signed)} to {number_text(row['ci_high'], percent, signed)}, "
            f"sd {sd}, {row['n']} seeds)")


def verdict_text(row):
    text = f"**{row['verdict']}**"
    if row["n"] == 1 and row["verdict"] in (SUPPORTED, NOT_SUPPORTED):
        text += " (single seed)"
    return text
