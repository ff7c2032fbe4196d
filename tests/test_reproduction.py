"""The report's comparisons and its best-setting sentence, on small hand-made tables."""

import math

import pandas as pd

from leanmlp.claims import seed_summary
from leanmlp.reproduction import Comparisons, best_setting_sentence, comparisons_markdown, setting_agreement


def table_of(*rows):
    comparisons = Comparisons()
    for row in rows:
        comparisons.add(*row[:-1], **row[-1])
    return comparisons.frame()


def test_verdicts_by_kind_and_never_from_nan():
    table = table_of(
        ("t1", "valid", 0.85, seed_summary([0.852, 0.854, 0.850]), "sgd", {}),
        ("t1", "train", 0.92, seed_summary([0.85]), "sgd", {}),
        ("t1", "missing", 0.92, seed_summary([]), "sgd", {}),
        ("fig1", "epoch of lowest valid loss", 10, seed_summary([13, 14]), "sgd", {"kind": "epochs"}),
        ("data", "train size", 100000, 1259, "", {"kind": "setup"}),
        ("4.6", "MACs", 65152, 48768, "", {"kind": "count"}),
        ("t2", "seconds", 470, 170.0, "sgd", {"kind": "ratio"}),
        ("lit", "OPIUM", 0.7568, None, "", {"kind": "context"}),
        ("t1", "diverged", 0.8, {**seed_summary([0.1]), "diverged": 1, "runs": 3}, "sgd", {}),
    )
    assert list(table.verdict) == ["reproduced", "differs", "not run", "reproduced", "expected (stand-in data)",
                                   "differs", "other machine (ratio shown)", "context (the paper quotes it)",
                                   "diverged (1 of 3 seeds)"]
    markdown = comparisons_markdown(table)
    assert "-16,384" in markdown and "-98,741" in markdown and "×0.362" in markdown
    assert "0.852 [0.847, 0.857]" in markdown  # mean with its 95% interval over 3 seeds
    assert "nan" not in markdown


def agreement_of(differences):
    rows = [{"setting": s, "kind": "accuracy", "verdict": "differs", "difference": d}
            for s, values in differences.items() for d in values]
    return setting_agreement(pd.DataFrame(rows))


def test_the_best_setting_is_named_only_beyond_the_seed_spread():
    agreement = agreement_of({"sgd": [0.019, -0.019], "adam": [0.020, 0.021]})
    assert "Neither setting reproduces clearly better" in best_setting_sentence(agreement, spread=0.004)
    assert best_setting_sentence(agreement, spread=0.0005).startswith("**`sgd`** reproduces")
    assert "seed noise is unknown" in best_setting_sentence(agreement, spread=math.nan)


def test_train_rows_far_from_the_paper_are_explained_by_their_valid_difference():
    from leanmlp.reproduction import train_column_lines

    table = table_of(("table 1", "row 13 train (r13)", 0.714, 0.82, "sgd", {}),
                     ("table 1", "row 13 valid (r13)", 0.698, 0.81, "sgd", {}),
                     ("table 1", "row 14 train (r14)", 0.875, 0.845, "sgd", {}),
                     ("table 1", "row 14 valid (r14)", 0.83, 0.83, "sgd", {}),
                     ("table 1", "row 15 train (r15)", 0.914, 0.892, "sgd", {}),
                     ("table 1", "row 15 valid (r15)", 0.857, 0.862, "sgd", {}))
    text = "\n".join(train_column_lines(table))
    assert "(1 of 3 are within)" in text
    assert "row 13 train (r13) under `sgd`: train +0.1060, valid +0.1120: valid differs alike" in text
    assert "row 14 train (r14) under `sgd`: train -0.0300, valid +0.0000: valid differs by another amount" in text
    assert "row 15" not in text


def test_missing_values_read_as_a_dash_and_the_verdicts_are_counted():
    import math

    import pandas as pd

    from leanmlp.reporting import markdown_table
    from leanmlp.reproduction import verdict_counts

    text = markdown_table(pd.DataFrame({"architecture": ["784-32-47", "GoogLeNet"], "parameters": [26671.0, math.nan]}))
    assert "nan" not in text and "—" in text and "26671" in text
    table = pd.DataFrame({"verdict": ["reproduced", "close", "differs", "differs", "not run",
                                      "other machine (ratio shown)"]})
    assert verdict_counts(table) == ("Of 6 numbers: 1 reproduced, 1 close, 2 differ; "
                                     "1 not run, 1 other machine (ratio shown).")
