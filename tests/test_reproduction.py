"""The report's words from its template: the best-setting sentence, the train-column notes, the
verdict counts, filled from contexts built on small hand-made tables."""

import math

import numpy as np
import pandas as pd

from leanmlp.report.reproduction import (
    best_setting,
    comparisons_markdown,
    learning_state,
    render_report,
    setting_agreement,
    train_column,
    verdict_counts,
)
from leanmlp.report.tables import markdown_table


def minimal_context(**changes):
    """A report context with nothing in it but what a test sets."""
    context = {
        "name": "t", "written": "now", "code": "commit x", "machine": "Machine: m.", "data": {"source": "s"},
        "split_sizes": {"train": 10, "valid": 5, "test": 5}, "quick": None, "epochs": 100, "paper_epochs": 100,
        "seed_groups": [(3, 2)], "config_seeds": [0], "supported": 0, "n_verdicts": 0, "claim_family": None,
        "claims_overview": None, "against_chance": None, "selection_figure": "fig18.png", "selection_table": "",
        "best_setting": None, "agreement": None, "record": None, "claims": [],
        "hypotheses": [], "hypothesis_family": None,
        "train_column": {"tolerance": 0.03, "compared": 0, "far": []}, "setup": None,
        "verdict_counts": {"reproduced": 0, "close": 0, "differs": 0}, "n_findings": 0, "findings": "",
        "tables": [], "figures": [], "timing": pd.DataFrame(), "comparable": True, "train_curve_sample": 10_000,
        "not_comparable": 0}
    return {**context, **changes}


def comparisons_of(differences, repeated=0):
    """Accuracy comparisons under each setting: one per item, its difference from the paper's;
    the first ``repeated`` items shown twice (as a table row and again as a figure's number)."""
    rows = [{"setting": setting, "kind": "accuracy", "verdict": "differs", "difference": d, "source": f"run{i} acc",
             "paper": 0.8} for setting, values in differences.items() for i, d in enumerate(values)]
    return pd.DataFrame(rows + [row for row in rows if int(row["source"][3:].split()[0]) < repeated])


def rendered_setting(comparisons):
    text = render_report(minimal_context(best_setting=best_setting(comparisons, setting_agreement(comparisons))))
    return text.split("## Which optimizer setting reproduces the paper best")[1].split("##")[0].strip()


def test_the_best_setting_is_named_only_when_a_paired_test_over_distinct_numbers_says_so():
    rng = np.random.default_rng(0)
    close = rng.normal(0.02, 0.01, 30)
    clear = {"sgd": list(close), "adam": list(close + 0.01 + rng.normal(0, 0.001, 30))}
    assert rendered_setting(comparisons_of(clear)).startswith("**`sgd`** reproduces the paper's accuracies best: "
                                                               "over the 30 distinct numbers")
    noisy = {"sgd": list(close), "adam": list(close[::-1] + 0.0005)}  # the same numbers, other items
    text = rendered_setting(comparisons_of(noisy))
    assert text.startswith("Neither setting reproduces clearly better") and "paired t-test" in text
    # a number shown twice counts once
    repeated = comparisons_of(clear, repeated=5)
    assert best_setting(repeated, setting_agreement(repeated))["n_items"] == 30
    assert rendered_setting(comparisons_of({"sgd": [0.01]})) == "Only `sgd` was compared."


def comparison_rows(*rows):
    return pd.DataFrame([{"section": "table 1", "quantity": f"row {row} {column}", "setting": "sgd", "paper": paper,
                          "ours": ours, "difference": ours - paper, "kind": "accuracy", "verdict": "differs",
                          "table": "table1", "row": row, "column": column}
                         for row, column, paper, ours in rows])


def test_train_rows_far_from_the_paper_are_explained_by_their_valid_difference():
    table = comparison_rows((13, "train", 0.714, 0.82), (13, "valid", 0.698, 0.81), (14, "train", 0.875, 0.845),
                            (14, "valid", 0.83, 0.83), (15, "train", 0.914, 0.892), (15, "valid", 0.857, 0.862))
    text = render_report(minimal_context(train_column=train_column(table)))
    assert "(1 of 3 are within)" in text
    assert "- row 13 train under `sgd`: train +0.1060, valid +0.1120: valid differs alike" in text
    assert "- row 14 train under `sgd`: train -0.0300, valid +0.0000: valid differs by another amount" in text
    assert "row 15" not in text


def test_missing_values_read_as_a_dash_and_the_verdicts_are_counted():
    text = markdown_table(pd.DataFrame({"architecture": ["784-32-47", "GoogLeNet"], "parameters": [26671.0, math.nan]}))
    assert "nan" not in text and "—" in text and "26671" in text
    table = pd.DataFrame({"verdict": ["reproduced", "close", "differs", "differs", "not run",
                                      "other machine (ratio shown)"]})
    counts = verdict_counts(table)
    assert counts == {"reproduced": 1, "close": 1, "differs": 2, "not run": 1, "other machine (ratio shown)": 1}
    text = render_report(minimal_context(verdict_counts=counts, n_findings=6))
    assert "Of 6 numbers: 1 reproduced, 1 close, 2 differ; 1 not run, 1 other machine (ratio shown)." in text


def test_the_every_number_table_shows_intervals_and_no_nan():
    table = pd.DataFrame([
        {"section": "t1", "quantity": "valid", "setting": "sgd", "paper": 0.85, "ours": 0.852, "sd": 0.002,
         "ci_low": 0.847, "ci_high": 0.857, "seeds": 3, "kind": "accuracy", "difference": 0.002,
         "verdict": "reproduced"},
        {"section": "4.6", "quantity": "MACs", "setting": "", "paper": 65152, "ours": 48768, "sd": math.nan,
         "ci_low": math.nan, "ci_high": math.nan, "seeds": None, "kind": "count", "difference": -16384,
         "verdict": "differs"},
        {"section": "t2", "quantity": "seconds", "setting": "sgd", "paper": 470, "ours": 170.0, "sd": math.nan,
         "ci_low": math.nan, "ci_high": math.nan, "seeds": 1, "kind": "ratio", "difference": 170 / 470,
         "verdict": "other machine (ratio shown)"}])
    markdown = comparisons_markdown(table)
    assert "0.852 [0.847, 0.857]" in markdown and "-16,384" in markdown and "×0.362" in markdown
    assert "nan" not in markdown


def test_the_report_names_no_folder_of_the_machine_that_made_it(tmp_path):
    from leanmlp.provenance import describe
    from leanmlp.report.reproduction import portable

    record = {"commit": "9e8ef1f6d5920000", "dirty": False, "package": str(tmp_path / "leanmlp"), "config_hash": "f9"}
    assert describe(portable(record, tmp_path)) == "commit 9e8ef1f6d592, leanmlp at ./leanmlp, config f9"
    assert str(tmp_path) not in describe(portable(record, tmp_path / "elsewhere"))  # installed elsewhere: its name
    assert portable({}, tmp_path) == {}


def test_a_run_near_the_majority_share_collapsed_one_far_below_the_same_model_did_not_learn():
    # the demo's digits: majority share 0.126, chance 0.1, the same model 0.96 elsewhere
    assert learning_state(0.13, 0.126, 0.96) == "collapsed"
    assert learning_state(0.186, 0.126, 0.96) == "failed"  # once called "it learned"
    assert learning_state(0.90, 0.126, 0.96) == "learned"
    assert learning_state(0.30, 0.126, math.nan) == "learned"  # no other setting to hold it against
