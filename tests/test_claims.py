"""Claims judged on small hand-made results: per-image predictions behind every accuracy,
every verdict, Holm's family, and never a verdict from a NaN."""

import math
import zlib

import numpy as np
import pandas as pd
import pytest

from leanmlp.report.reproduction import claim_value_text
from leanmlp.study import claims as study_claims
from leanmlp.study.claims import EVERY_SETTING, Claim, Results, judge_claim


def judge_claims(declarations, *args, **options):
    """The claims of these declarations judged, parsed as the plan parses them."""
    return study_claims.judge_claims([Claim.parse(d) for d in declarations], *args, **options)

ROLES = {"plain": "h3x128", "best": "h3x128_reg", "wild": "h3x128_keep25"}
GAP = {"id": "gap", "paper": "regularisation narrows the gap", "measure": "generalisation_gap",
       "of": "best", "minus": "plain", "pairing": "paired", "below": 0}
ACCURACY = {"id": "acc", "paper": "over 84%", "measure": "test_acc_final", "of": "best", "above": 0.84}
DIVERGES = {"id": "div", "paper": "keep 0.25 diverges", "measure": "diverged", "of": "wild", "above": 0.5}
IMAGES = 4000
LABELS = {"valid": np.zeros(IMAGES, np.uint8), "test": np.zeros(IMAGES, np.uint8)}  # class 0 is right


def scored(accuracy, key):
    """Predictions right on round(accuracy x IMAGES) images, which ones drawn from ``key``."""
    predicted = np.ones(IMAGES, np.uint8)
    if not math.isnan(accuracy):
        right = np.random.default_rng(zlib.crc32(key.encode())).permutation(IMAGES)[:round(accuracy * IMAGES)]
        predicted[right] = 0
    return predicted


def results(rows, **extra):
    """rows: (run, seed, train, valid, test, diverged) under setting 'sgd'; every job gets
    predictions with exactly its valid and test accuracies."""
    jobs = pd.DataFrame([{"setting": "sgd", "run": run, "seed": seed, "final_train_acc": train,
                          "final_valid_acc": valid, "test_acc_final": test, "diverged": diverged}
                         for run, seed, train, valid, test, diverged in rows])
    predictions = {("sgd", run, seed): {"valid_final": scored(valid, f"{run}{seed}v"),
                                        "test_final": scored(test, f"{run}{seed}t")}
                   for run, seed, _, valid, test, _ in rows}
    return Results(jobs, lambda *job: predictions.get(job), LABELS, **extra)


def verdict(claim, rows, **extra):
    return judge_claims([claim], results(rows, **extra), ROLES, ["sgd"]).iloc[0]


def test_supported_when_the_test_rejects_the_claims_opposite():
    rows = ([("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)]
            + [("h3x128_reg", s, 0.90 + 0.001 * s, 0.85, 0.85, False) for s in range(3)])
    result = verdict(GAP, rows)
    assert result["verdict"] == "supported" and result["n"] == 3 and result["ci_high"] < 0
    assert result["seeds"] == [0, 1, 2] and result["p_value"] < 0.05
    assert result["level"] == pytest.approx(0.90)  # alone in its family: one-sided at 5%


def test_not_supported_and_inconclusive():
    low = [("h3x128_reg", s, 0.9, 0.85, 0.80 + 0.001 * s, False) for s in range(3)]
    assert verdict(ACCURACY, low)["verdict"] == "not supported"
    close = [("h3x128_reg", s, 0.9, 0.85, test, False) for s, test in enumerate((0.838, 0.843, 0.848))]
    result = verdict(ACCURACY, close)
    assert result["ci_low"] < 0.84 < result["ci_high"] and result["verdict"] == "inconclusive"
    assert "seeds per run would decide it" in result["note"] or "only more images" in result["note"]


def test_the_estimate_is_the_mean_of_the_predictions_and_pairs_only_shared_seeds():
    rows = [("h3x128", 0, 0.95, 0.80, 0.8, False), ("h3x128", 1, 0.97, 0.80, 0.8, False),
            ("h3x128_reg", 1, 0.90, 0.85, 0.85, False), ("h3x128_reg", 2, 0.9, 0.85, 0.85, False)]
    result = verdict(GAP, rows)
    assert result["seeds"] == [1] and result["mean"] == pytest.approx(0.05 - 0.17)
    assert "single-seed" in result["note"]


def test_a_missing_run_or_missing_predictions_is_not_run_never_a_verdict_from_nan():
    rows = [("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)]
    for claim in (GAP, ACCURACY, DIVERGES):
        assert verdict(claim, rows)["verdict"] == "not run"
    assert verdict(ACCURACY, [("h3x128_reg", 0, 0.9, 0.85, float("nan"), False)])["verdict"] == "not run"
    blind = Results(results([("h3x128_reg", s, 0.9, 0.85, 0.85, False) for s in range(3)]).jobs)
    result = judge_claims([ACCURACY], blind, ROLES, ["sgd"]).iloc[0]
    assert result["verdict"] == "not run" and "no per-image predictions" in result["note"]
    stale = results([("h3x128_reg", s, 0.9, 0.85, 0.85, False) for s in range(3)])
    stale.labels = {"test": np.zeros(IMAGES + 1, np.uint8)}
    result = judge_claims([ACCURACY], stale, ROLES, ["sgd"]).iloc[0]
    assert result["verdict"] == "not run"
    assert f"score {IMAGES} test images, the split has {IMAGES + 1}" in result["note"]


def test_a_diverged_run_makes_its_accuracy_claim_diverged():
    rows = ([("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)]
            + [("h3x128_reg", s, 0.9, 0.85, 0.85, s == 1) for s in range(3)])
    result = verdict(GAP, rows)
    assert result["verdict"] == "diverged" and "seed 1" in result["note"]
    nan = float("nan")  # a run that blew up records no train accuracy at all: diverged, never "not run"
    blown = ([("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)]
             + [("h3x128_reg", s, nan, nan, nan, True) for s in range(3)])
    assert verdict(GAP, blown)["verdict"] == "diverged"


def test_divergence_is_judged_by_exact_binomial_tests():
    """0 of 3 seeds cannot refute a divergence rate of 0.5 (P = 0.125); 0 of 5 can (0.031)."""
    none = verdict(DIVERGES, [("h3x128_keep25", s, 0.9, 0.8, 0.8, False) for s in range(3)])
    assert none["verdict"] == "inconclusive" and none["p_value"] == pytest.approx(0.125)
    assert claim_value_text(none, Claim.parse(DIVERGES)).startswith("0 of 3 seeds diverged (rate between 0.00 and 0.63")
    assert "5 seeds all alike would" in none["note"]
    assert none["ci_high"] == pytest.approx(1 - 0.05 ** (1 / 3))
    assert verdict(DIVERGES, [("h3x128_keep25", s, 0.9, 0.8, 0.8, False) for s in range(5)])["verdict"] \
        == "not supported"
    assert verdict(DIVERGES, [("h3x128_keep25", s, 0.1, 0.1, 0.1, True) for s in range(5)])["verdict"] \
        == "supported"


def test_one_seed_decides_but_says_it_is_a_single_seed_indication():
    result = verdict(ACCURACY, [("h3x128_reg", 0, 0.9, 0.85, 0.85, False)])
    assert result["verdict"] == "supported" and result["n"] == 1
    assert "single-seed" in result["note"] and math.isnan(result["ci_low"]) and math.isnan(result["p_value"])


TIME = {"id": "time", "paper": "46.8% less time", "measure": "cpu_seconds_per_epoch_median", "of": "best",
        "relative_to": "plain", "pairing": "unpaired", "within": {"of": -0.468, "margin": 0.1}}


def timed(ratios, plain=(1.00, 1.01, 0.99)):
    rows = results([("h3x128", s, 0.9, 0.8, 0.8, False) for s in range(3)]
                   + [("h3x128_reg", s, 0.9, 0.8, 0.8, False) for s in range(len(ratios))])
    rows.jobs["cpu_seconds_per_epoch_median"] = list(plain) + list(ratios)
    return rows


def test_a_time_is_judged_per_seed_on_the_log_scale_with_two_one_sided_tests():
    judge = lambda ratios: judge_claims([TIME], timed(ratios), ROLES, ["sgd"]).iloc[0]  # noqa: E731
    supported = judge((0.53, 0.535, 0.525))
    assert supported["verdict"] == "supported" and supported["mean"] == pytest.approx(
        math.exp(np.log([0.53, 0.535, 0.525]).mean() - np.log([1.0, 1.01, 0.99]).mean()) - 1)
    assert judge((0.80, 0.81, 0.79))["verdict"] == "not supported"
    wide = judge((0.40, 0.55, 0.70))
    assert wide["verdict"] == "inconclusive" and -1 < wide["ci_low"]
    assert "2.03" not in claim_value_text(wide, Claim.parse(TIME))


def test_the_family_shares_holms_step_down_and_exploratory_ones_stand_alone():
    rows = [("h3x128_reg", s, 0.9, 0.85, test, False) for s, test in enumerate((0.846, 0.848, 0.85))]
    alone = verdict(ACCURACY, rows)
    family = judge_claims([{**ACCURACY, "id": f"acc{i}"} for i in range(12)], results(rows), ROLES, ["sgd"])
    assert (family.ci_high - family.ci_low).iloc[0] > alone["ci_high"] - alone["ci_low"]
    assert family.test_level.iloc[0] == pytest.approx(0.05 / 12) or family.verdict.iloc[0] == "supported"
    exploratory = judge_claims([{**ACCURACY, "id": f"acc{i}", "exploratory": i == 0} for i in range(12)],
                               results(rows), ROLES, ["sgd"])
    assert exploratory.test_level.iloc[0] == pytest.approx(0.05)
    assert exploratory.test_level.iloc[1] == pytest.approx(0.05 / 11) or exploratory.verdict.iloc[1] == "supported"


def test_the_declared_order_per_setting_is_kept():
    rows = results([("h3x128_reg", 0, 0.9, 0.85, 0.85, False)])
    rows.jobs = pd.concat([rows.jobs.assign(setting=s) for s in ("a", "b")])
    predictions = rows.predictions
    rows.predictions = lambda setting, run, seed: predictions("sgd", run, seed)
    table = judge_claims([ACCURACY, GAP], rows, ROLES, ["a", "b"])
    assert list(zip(table.id, table.setting, strict=True)) == [("acc", "a"), ("acc", "b"), ("gap", "a"), ("gap", "b")]


def test_absolute_values_carry_no_sign_and_differences_do():
    rows = ([("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)]
            + [("h3x128_reg", s, 0.90 + 0.001 * s, 0.85, 0.85 + 0.001 * s, False) for s in range(3)])
    assert claim_value_text(verdict(ACCURACY, rows), Claim.parse(ACCURACY)).startswith("0.8510 (90% interval 0.")
    assert claim_value_text(verdict(GAP, rows), Claim.parse(GAP)).startswith("-0.0790 (90% interval -0.")


def test_an_unpaired_difference_pairs_the_images_and_uses_every_seed_of_both_runs():
    claim = {**GAP, "pairing": "unpaired"}
    rows = [("h3x128", 0, 0.95, 0.80, 0.8, False), ("h3x128", 1, 0.97, 0.80, 0.8, False),
            ("h3x128_reg", 1, 0.90, 0.85, 0.85, False), ("h3x128_reg", 2, 0.91, 0.85, 0.85, False)]
    result = verdict(claim, rows)
    assert result["seeds"] == [0, 1, 2] and result["n"] == 2 and result["n_other"] == 2
    assert result["mean"] == pytest.approx((0.05 + 0.06) / 2 - (0.15 + 0.17) / 2)
    assert "2 + 2 seeds" in claim_value_text(result, Claim.parse(claim))
    assert "paired by image" in result["quantity"]


def test_an_accuracy_interval_never_leaves_0_to_1():
    rows = [("h3x128_reg", s, 0.9, 0.85, test, False) for s, test in enumerate((0.97, 0.99, 0.999))]
    result = verdict(ACCURACY, rows)
    assert result["ci_high"] == 1.0 and 0 <= result["ci_low"] < result["mean"]


BEATS_BASELINES = {"id": "beats", "paper": "the MLP beats the other classifiers", "measure": "final_valid_acc",
                   "of": "best", "minus_best_baseline": "valid_acc", "above": 0}


def baseline(accuracy, name):
    return {"valid_acc": accuracy, "predictions": {"valid_final": scored(accuracy, name)}}


def test_a_baseline_claim_subtracts_the_best_baseline_paired_by_image():
    rows = [("h3x128_reg", s, 0.9, valid, 0.85, False) for s, valid in enumerate((0.860, 0.862, 0.864))]
    baselines = {"rf20": baseline(0.779, "rf20"), "rf100": baseline(0.829, "rf100"), "tree": baseline(0.6, "t")}
    result = verdict(BEATS_BASELINES, rows, baselines=baselines)
    assert result["mean"] == pytest.approx(0.862 - 0.829) and "rf100 at 0.8290" in result["quantity"]
    assert result["verdict"] == "supported" and result["image_se"] > 0
    close = verdict(BEATS_BASELINES, rows, baselines={"rf100": baseline(0.86, "rf100")})
    assert close["verdict"] == "inconclusive"
    assert verdict(BEATS_BASELINES, rows, baselines={"rf100": baseline(0.95, "rf")})["verdict"] == "not supported"
    assert verdict(BEATS_BASELINES, rows)["verdict"] == "not run"
    named = {**BEATS_BASELINES, "id": "rf", "minus_best_baseline": None}
    del named["minus_best_baseline"]
    named["minus_baseline"] = {"model": "rf20", "result": "valid_acc"}
    assert verdict(named, rows, baselines=baselines)["mean"] == pytest.approx(0.862 - 0.779)


def test_a_fact_claim_is_exact_judged_once_for_every_setting_outside_the_family():
    claim = {"id": "memory", "paper": "64% less memory", "fact": "training_data_mb", "of": "best",
             "relative_to": "plain", "within": {"of": -0.64, "margin": 0.05}}
    facts = {"training_data_mb": {"h3x128": 78.4, "h3x128_reg": 31.2}}
    table = judge_claims([claim], results([], facts=facts), ROLES, ["sgd", "adam"])
    assert len(table) == 1 and table.setting.iloc[0] == EVERY_SETTING
    row = table.iloc[0]
    assert row["mean"] == pytest.approx(31.2 / 78.4 - 1) and row["verdict"] == "supported"
    assert claim_value_text(row, Claim.parse(claim)) == "-60.2% (exact)"
    assert "31.2 against 78.4 (training_data_mb)" in row["note"] and math.isnan(row["p_value"])
    far = {"training_data_mb": {"h3x128": 78.4, "h3x128_reg": 60.0}}
    assert judge_claim(Claim.parse(claim), results([], facts=far), ROLES, EVERY_SETTING).row["verdict"] \
        == "not supported"


def test_a_positive_quantitys_seed_interval_stays_above_zero():
    from leanmlp.study.claims import seed_summary

    times = seed_summary([10.0, 60.0, 200.0], positive=True)
    assert 0 < times["ci_low"] < times["mean"] < times["ci_high"]
    assert seed_summary([10.0, 60.0, 200.0])["ci_low"] < 0  # what a plain t-interval of seconds printed
