"""Claims judged on small hand-made result tables: every verdict, and never by a NaN."""

import math

import pandas as pd
import pytest

from leanmlp.report.reproduction import claim_value_text
from leanmlp.study.claims import judge_claim, judge_claims, seed_summary

ROLES = {"plain": "h3x128", "best": "h3x128_reg", "wild": "h3x128_keep25"}
GAP = {"id": "gap", "paper": "regularisation narrows the gap", "measure": "generalisation_gap",
       "of": "best", "minus": "plain", "pairing": "paired", "below": 0}
ACCURACY = {"id": "acc", "paper": "over 84%", "measure": "test_acc_final", "of": "best", "above": 0.84}
DIVERGES = {"id": "div", "paper": "keep 0.25 diverges", "measure": "diverged", "of": "wild", "above": 0.5}


def jobs(rows):
    """rows: (run, seed, train, valid, test, diverged) under setting 'sgd'."""
    return pd.DataFrame([{"setting": "sgd", "run": run, "seed": seed, "final_train_acc": train,
                          "final_valid_acc": valid, "test_acc_final": test, "diverged": diverged}
                         for run, seed, train, valid, test, diverged in rows])


def verdict(claim, table):
    return judge_claim(claim, table, ROLES, "sgd")


def test_seed_summary_matches_a_t_interval():
    summary = seed_summary([0.80, 0.82, 0.84])
    assert summary["mean"] == pytest.approx(0.82) and summary["std"] == pytest.approx(0.02)
    # t(0.975, 2) = 4.303: half width 4.303 * 0.02 / sqrt(3)
    assert summary["ci_high"] - 0.82 == pytest.approx(4.3027 * 0.02 / math.sqrt(3), rel=1e-3)
    assert math.isnan(seed_summary([0.8])["std"]) and seed_summary([])["n"] == 0


def test_supported_when_the_whole_interval_is_on_the_claimed_side():
    table = jobs([("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)]
                 + [("h3x128_reg", s, 0.90 + 0.001 * s, 0.85, 0.85, False) for s in range(3)])
    result = verdict(GAP, table)
    assert result["verdict"] == "supported" and result["n"] == 3 and result["ci_high"] < 0
    assert result["seeds"] == [0, 1, 2]


def test_not_supported_when_the_whole_interval_is_on_the_other_side():
    table = jobs([("h3x128_reg", s, 0.9, 0.85, 0.80 + 0.001 * s, False) for s in range(3)])
    result = verdict(ACCURACY, table)
    assert result["verdict"] == "not supported" and result["ci_high"] < 0.84


def test_inconclusive_when_the_interval_straddles_the_threshold():
    table = jobs([("h3x128_reg", s, 0.9, 0.85, test, False) for s, test in enumerate((0.83, 0.845, 0.85))])
    result = verdict(ACCURACY, table)
    assert result["mean"] > 0.84 and result["ci_low"] < 0.84 < result["ci_high"]
    assert result["verdict"] == "inconclusive"


def test_differences_are_paired_by_seed_and_use_only_shared_seeds():
    table = jobs([("h3x128", 0, 0.95, 0.80, 0.8, False), ("h3x128", 1, 0.97, 0.80, 0.8, False),
                  ("h3x128_reg", 1, 0.90, 0.85, 0.85, False), ("h3x128_reg", 2, 0.9, 0.85, 0.85, False)])
    result = verdict(GAP, table)
    assert result["seeds"] == [1] and result["mean"] == pytest.approx(0.05 - 0.17)


def test_a_missing_run_is_not_run_never_a_verdict_from_nan():
    table = jobs([("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)])
    assert verdict(GAP, table)["verdict"] == "not run"
    assert verdict(ACCURACY, table)["verdict"] == "not run"
    assert verdict(DIVERGES, table)["verdict"] == "not run"
    nan_result = jobs([("h3x128_reg", 0, 0.9, 0.85, float("nan"), False)])
    assert verdict(ACCURACY, nan_result)["verdict"] == "not run"


def test_a_diverged_run_makes_its_accuracy_claim_diverged():
    table = jobs([("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)]
                 + [("h3x128_reg", s, 0.9, 0.85, 0.85, s == 1) for s in range(3)])
    result = verdict(GAP, table)
    assert result["verdict"] == "diverged" and "seed 1" in result["note"]


def test_divergence_claims_count_the_seeds_that_diverged():
    every = jobs([("h3x128_keep25", s, 0.1, 0.1, 0.1, True) for s in range(3)])
    assert verdict(DIVERGES, every)["verdict"] == "supported"
    none = jobs([("h3x128_keep25", s, 0.9, 0.8, 0.8, False) for s in range(3)])
    assert verdict(DIVERGES, none)["verdict"] == "not supported"
    some = jobs([("h3x128_keep25", s, 0.9, 0.8, 0.8, s == 0) for s in range(3)])
    result = verdict(DIVERGES, some)
    assert result["verdict"] == "inconclusive" and result["note"] == "1 of 3 seeds diverged"


def test_one_seed_decides_but_says_it_is_a_single_seed_indication():
    table = jobs([("h3x128_reg", 0, 0.9, 0.85, 0.85, False)])
    result = verdict(ACCURACY, table)
    assert result["verdict"] == "supported" and result["n"] == 1
    assert "single-seed" in result["note"] and math.isnan(result["ci_low"])


def test_relative_change_claims():
    claim = {"id": "time", "paper": "cuts the time", "measure": "test_acc_final", "of": "best",
             "relative_to": "plain", "pairing": "paired", "below": -0.3}
    table = jobs([("h3x128", s, 0, 0, 100.0 + s, False) for s in range(3)]
                 + [("h3x128_reg", s, 0, 0, 50.0 + s, False) for s in range(3)])
    result = verdict(claim, table)
    assert result["verdict"] == "supported" and result["mean"] == pytest.approx(-0.4951, abs=1e-3)


def test_judge_claims_keeps_the_declared_order_per_setting():
    table = pd.concat([jobs([("h3x128_reg", 0, 0.9, 0.85, 0.85, False)]).assign(setting=s) for s in ("a", "b")])
    result = judge_claims([ACCURACY, GAP], table, ROLES, ["a", "b"])
    assert list(zip(result.id, result.setting, strict=True)) == [("acc", "a"), ("acc", "b"), ("gap", "a"), ("gap", "b")]


def test_a_relative_change_interval_never_passes_minus_100_percent():
    """Times of 3 seeds that scatter widely: a t-interval on the plain ratios would reach below
    -100%; on the log scale the bounds stay in (-100%, inf) and the mean is the geometric one."""
    claim = {"id": "faster", "paper": "PCA cuts the time", "measure": "test_acc_final", "of": "best",
             "relative_to": "plain", "pairing": "paired", "below": -0.3}
    table = jobs([("h3x128", s, 0.9, 0.8, 10.0, False) for s in range(3)]
                 + [("h3x128_reg", s, 0.9, 0.8, t, False) for s, t in enumerate((0.5, 4.0, 9.0))])
    result = verdict(claim, table)
    assert -1 < result["ci_low"] < result["mean"] < result["ci_high"]
    assert result["mean"] == pytest.approx((0.05 * 0.4 * 0.9) ** (1 / 3) - 1)
    plain = pd.Series([0.5, 4.0, 9.0]) / 10 - 1
    assert plain.mean() - 4.303 * plain.std() / math.sqrt(3) < -1  # what the old interval printed
    assert result["verdict"] == "inconclusive"


def test_absolute_values_carry_no_sign_and_differences_do():
    table = jobs([("h3x128", s, 0.95, 0.82, 0.82, False) for s in range(3)]
                 + [("h3x128_reg", s, 0.90 + 0.001 * s, 0.85, 0.85 + 0.001 * s, False) for s in range(3)])
    assert claim_value_text(verdict(ACCURACY, table), ACCURACY).startswith("0.8510 (95% interval 0.8485 to")
    assert claim_value_text(verdict(GAP, table), GAP).startswith("-0.0790 (95% interval -0.")


def test_the_test_sets_sampling_error_widens_the_interval_and_more_seeds_do_not_remove_it():
    table = jobs([("h3x128_reg", s, 0.9, 0.85, test, False) for s, test in enumerate((0.851, 0.852, 0.853))])
    seeds_only = verdict(ACCURACY, table)
    with_test_set = judge_claim(ACCURACY, table, ROLES, "sgd", sizes={"test": 8162})
    binomial = math.sqrt(0.852 * 0.148 / 8162)  # 0.0039: larger than these seeds' spread
    assert with_test_set["sampling_se"] == pytest.approx(binomial, rel=1e-3)
    assert with_test_set["ci_high"] - with_test_set["ci_low"] > 2 * 1.96 * binomial
    assert seeds_only["verdict"] == "supported" and with_test_set["verdict"] == "supported"
    many = jobs([("h3x128_reg", s, 0.9, 0.85, 0.852 + (0.001 if s % 2 else -0.001), False) for s in range(40)])
    wide = judge_claim(ACCURACY, many, ROLES, "sgd", sizes={"test": 8162})
    assert wide["ci_high"] - wide["ci_low"] > 2 * 1.9 * binomial  # the test set's error stays


def test_an_unpaired_difference_uses_every_seed_of_both_runs():
    claim = {**GAP, "pairing": "unpaired"}
    table = jobs([("h3x128", 0, 0.95, 0.80, 0.8, False), ("h3x128", 1, 0.97, 0.80, 0.8, False),
                  ("h3x128_reg", 1, 0.90, 0.85, 0.85, False), ("h3x128_reg", 2, 0.91, 0.85, 0.85, False)])
    result = verdict(claim, table)
    assert result["seeds"] == [0, 1, 2] and result["n"] == 2 and result["n_other"] == 2
    assert result["mean"] == pytest.approx((0.05 + 0.06) / 2 - (0.15 + 0.17) / 2)
    assert "2 + 2 seeds, unpaired" in claim_value_text(result, claim)


def test_within_the_papers_figure_supported_outside_not_straddling_inconclusive():
    claim = {"id": "time", "paper": "46.8% less time", "measure": "seconds_total", "of": "best",
             "relative_to": "plain", "pairing": "unpaired", "within": {"of": -0.468, "margin": 0.1}}

    def table(ratios):
        rows = jobs([("h3x128", s, 0.9, 0.8, 0.8, False) for s in range(3)]
                    + [("h3x128_reg", s, 0.9, 0.8, 0.8, False) for s in range(3)])
        return rows.assign(seconds_total=[100.0, 101.0, 99.0] + [100.0 * r for r in ratios])

    assert verdict(claim, table((0.53, 0.535, 0.525)))["verdict"] == "supported"
    assert verdict(claim, table((0.80, 0.81, 0.79)))["verdict"] == "not supported"
    assert verdict(claim, table((0.40, 0.55, 0.70)))["verdict"] == "inconclusive"


def test_many_verdicts_read_together_get_wider_intervals_and_an_inconclusive_one_says_its_power():
    from leanmlp.study.claims import family_level

    assert family_level(1) == pytest.approx(0.95) and family_level(12) == pytest.approx(1 - 0.05 / 12)
    table = jobs([("h3x128_reg", s, 0.9, 0.85, test, False) for s, test in enumerate((0.835, 0.845, 0.85))])
    alone = verdict(ACCURACY, table)
    together = judge_claims([ACCURACY] * 12, table, ROLES, ["sgd"]).iloc[0]
    assert together["ci_high"] - together["ci_low"] > alone["ci_high"] - alone["ci_low"]
    assert together["verdict"] == "inconclusive" and "could have detected only a true distance of" in together["note"]


def test_an_accuracy_interval_never_leaves_0_to_1():
    table = jobs([("h3x128_reg", s, 0.9, 0.85, test, False) for s, test in enumerate((0.95, 0.99, 0.999))])
    result = judge_claim(ACCURACY, table, ROLES, "sgd", sizes={"test": 200})
    assert result["ci_high"] == 1.0 and 0 <= result["ci_low"] < result["mean"]


BEATS_BASELINES = {"id": "beats", "paper": "the MLP beats the other classifiers", "measure": "final_valid_acc",
                   "of": "best", "minus_best_baseline": "valid_acc", "above": 0}


def test_a_baseline_claim_subtracts_the_best_baseline_and_adds_its_sampling_error():
    from leanmlp.study.claims import FixedResults

    table = jobs([("h3x128_reg", s, 0.9, valid, 0.85, False) for s, valid in enumerate((0.860, 0.862, 0.864))])
    fixed = FixedResults(baselines={"rf20": {"valid_acc": 0.779}, "rf100": {"valid_acc": 0.829},
                                    "tree": {"valid_acc": 0.60}})
    result = judge_claim(BEATS_BASELINES, table, ROLES, "sgd", sizes={"valid": 8161}, fixed=fixed)
    assert result["mean"] == pytest.approx(0.862 - 0.829)
    assert "the best is rf100 at 0.8290" in result["quantity"]
    # the sampling error of both: the MLP's mean accuracy and the baseline's, on the valid split
    expected = math.sqrt(0.862 * 0.138 / 8161 + 0.829 * 0.171 / 8161)
    assert result["sampling_se"] == pytest.approx(expected, rel=1e-3)
    assert result["verdict"] == "supported" and claim_value_text(result, BEATS_BASELINES).startswith("+0.0330")
    # a baseline within the MLP's uncertainty makes it inconclusive, one above it refutes it
    close = FixedResults(baselines={"rf100": {"valid_acc": 0.858}})
    assert judge_claim(BEATS_BASELINES, table, ROLES, "sgd", sizes={"valid": 8161},
                       fixed=close)["verdict"] == "inconclusive"
    above = FixedResults(baselines={"rf100": {"valid_acc": 0.95}})
    assert judge_claim(BEATS_BASELINES, table, ROLES, "sgd", fixed=above)["verdict"] == "not supported"
    assert judge_claim(BEATS_BASELINES, table, ROLES, "sgd")["verdict"] == "not run"


def test_a_fact_claim_is_exact_judged_once_for_every_setting():
    from leanmlp.study.claims import EVERY_SETTING, FixedResults

    claim = {"id": "memory", "paper": "64% less memory", "fact": "training_data_mb", "of": "best",
             "relative_to": "plain", "within": {"of": -0.64, "margin": 0.05}}
    fixed = FixedResults(facts={"training_data_mb": {"h3x128": 78.4, "h3x128_reg": 31.2}})
    table = judge_claims([claim], jobs([]), ROLES, ["sgd", "adam"], fixed=fixed)
    assert len(table) == 1 and table.setting.iloc[0] == EVERY_SETTING
    row = table.iloc[0]
    assert row["mean"] == pytest.approx(31.2 / 78.4 - 1) and row["verdict"] == "supported"
    assert claim_value_text(row, claim) == "-60.2% (exact)" and "31.2 against 78.4 (training_data_mb)" in row["note"]
    assert row["quantity"].endswith("÷ the same of plain (`h3x128`) − 1, exact (a size: no seeds, no sampling)")
    far = FixedResults(facts={"training_data_mb": {"h3x128": 78.4, "h3x128_reg": 60.0}})
    assert judge_claim(claim, jobs([]), ROLES, EVERY_SETTING, fixed=far)["verdict"] == "not supported"
    assert judge_claim(claim, jobs([]), ROLES, EVERY_SETTING)["verdict"] == "not run"
