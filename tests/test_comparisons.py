"""The paper-versus-ours comparisons as declared data: checked when the workflow is parsed,
evaluated by walking declarations, and independent of run names, role names and list order."""

import random
import re
import zlib
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO

from leanmlp.exceptions import ConfigError
from leanmlp.mining.random_control import RANDOM_CONTROL
from leanmlp.mining.selection import method_slugs
from leanmlp.plan import input_variants
from leanmlp.report.comparisons import Comparison, expand_comparisons, judged_row, reference_value, table_columns
from leanmlp.report.reproduction import ReportInputs, ReportPlan, paper_comparisons
from leanmlp.report.sources import Names, RunMeasure, Source
from leanmlp.report.tables import aggregate_seeds, paper_rows_table
from leanmlp.study.claims import Claim, Results, judge_claims, seed_summary
from leanmlp.study.matrix import job_hyperparameters, mlp_settings, plan_matrix

TARGETS = method_slugs(yaml.safe_load((REPO / "config/demo.yaml").read_text())["mining"])
VARIANTS = input_variants(yaml.safe_load((REPO / "config/demo.yaml").read_text())["mining"])
BASELINES = ["rf20", "rf50", "rf100", "tree", "logreg_ovr", "pca_rf20", "pca_rf50", "pca_rf100"]


def load(path):
    return yaml.safe_load((REPO / path).read_text())


def planned(experiments):
    mlp = {**mlp_settings(experiments, {}), "seeds": [0]}
    matrix = plan_matrix(experiments, mlp, TARGETS, VARIANTS)
    return matrix, mlp


IMAGES = 200
LABELS = {"valid": np.zeros(IMAGES, np.uint8), "test": np.zeros(IMAGES, np.uint8)}


def fake_jobs(matrix, mlp):
    """Per-seed results and per-image predictions that depend only on a job's hyperparameters
    and seed, never its name: (jobs table, {(setting, run, seed): predictions})."""
    rows, predictions = [], {}
    for run in matrix.runs:
        for setting in matrix.settings_of(run, mlp["default_settings"]):
            hyperparameters = job_hyperparameters(mlp["defaults"], mlp["settings"][setting], matrix.runs[run])
            for seed in matrix.seeds[run]:
                rng = np.random.default_rng(zlib.crc32(repr((hyperparameters, seed)).encode()))
                scores = {key: (rng.random(IMAGES) > rng.random()).astype(np.uint8)
                          for key in ("valid_final", "test_final", "test_best")}
                predictions[(setting, run, seed)] = scores
                rows.append({"setting": setting, "run": run, "seed": seed, "diverged": bool(rng.random() < 0.05),
                             "description": run, "n_train": 1000, "n_features": 64, "epochs_run": 20,
                             **{measure: float(rng.random()) for measure in (
                                 "final_train_acc", "final_train_running_acc", "best_valid_acc", "seconds_total",
                                 "seconds_per_epoch_median", "cpu_seconds_per_epoch_median",
                                 "train_eval_seconds_median", "late_over_early_epoch_seconds")},
                             **{measure: float(np.mean(scores[key] == 0)) for measure, key in (
                                 ("final_valid_acc", "valid_final"), ("test_acc_final", "test_final"),
                                 ("test_acc_best_valid", "test_best"))},
                             "best_valid_loss_epoch": int(rng.integers(1, 21))})
    return pd.DataFrame(rows), predictions


def report_inputs(experiments, reference):
    matrix, mlp = planned(experiments)
    jobs, predictions = fake_jobs(matrix, mlp)
    run_settings = {run: matrix.settings_of(run, mlp["default_settings"]) for run in matrix.runs}
    run_inputs = {run: job_hyperparameters(mlp["defaults"], {}, matrix.runs[run])["input"] for run in matrix.runs}
    histories = {}
    for run in matrix.runs:
        for setting in run_settings[run]:
            histories[(setting, run)] = [pd.DataFrame({"epoch": range(1, 21), "valid_acc": np.linspace(0.1, 0.9, 20)})
                                         for _ in matrix.seeds[run]]
    splits = {name: {"n_samples": n, "per_class_min": 1, "per_class_max": 3, "disk_bytes": 1000 * n}
              for name, n in (("train", 1000), ("valid", 200), ("test", 200))}
    memory = pd.DataFrame({"variant": VARIANTS, "memory": range(1000, 1000 + len(VARIANTS)),
                           "transform": 10, "share_of_raw": np.linspace(1, 0.2, len(VARIANTS))})
    baselines = {name: {"model": name, "valid_acc": 0.5 + i / 100, "test_acc": 0.5, "fit_seconds": 1.0 + i,
                        "predictions": {"valid_final": (np.arange(IMAGES) % 100 >= 50 + i).astype(np.uint8)}}
                 for i, name in enumerate(BASELINES)}
    plan = ReportPlan("t", {"stand_in": "digits"}, tuple(mlp["default_settings"]), matrix.roles,
                      {run: tuple(settings) for run, settings in run_settings.items()}, run_inputs,
                      comparisons=tuple(expand_comparisons(matrix.comparisons, reference, Names.of(matrix))),
                      claims=tuple(Claim.parse(d) for d in matrix.claims))
    inputs = ReportInputs(reference, jobs, {"splits": splits}, None, {"n_components": 6,
                          "explained_variance_ratio": [0.2] * 10}, memory, baselines, histories, plan,
                          lambda *job: predictions.get(job), LABELS)
    return inputs, matrix, mlp


def claim_results(inputs):
    return Results(inputs.jobs, inputs.predictions, inputs.labels, inputs.baselines)


def renamed(experiments, rng):
    """The experiments file with every run, grid and role renamed and every list and mapping shuffled;
    returns it with {new name: old name} of the runs (grid runs included)."""
    text = yaml.safe_dump(experiments, sort_keys=False)
    names = [*experiments["runs"], *experiments["grids"], *experiments["roles"]]
    mapping = {name: f"renamed{i}_{name[::-1].replace('~', 'x')}" for i, name in enumerate(names)}
    # longest first, whole words only: a grid's name is a prefix of its runs' names
    for name in sorted(mapping, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.~-]){re.escape(name)}(?![\w.~])", mapping[name], text)
    copy = yaml.safe_load(text)

    def shuffle(node):
        if isinstance(node, dict):
            items = list(node.items())
            rng.shuffle(items)
            return {key: shuffle(value) for key, value in items}
        if isinstance(node, list) and all(isinstance(item, dict) for item in node):
            items = [shuffle(item) for item in node]
            rng.shuffle(items)
            return items
        return node

    shuffled = shuffle(copy)
    for key in ("default_settings",):  # a list whose order is the setting order, kept as declared
        shuffled[key] = copy[key]
    return shuffled, mapping


def shuffled_reference(reference, rng):
    def shuffle(node):
        if isinstance(node, dict):
            items = list(node.items())
            rng.shuffle(items)
            return {key: shuffle(value) for key, value in items}
        return node
    return shuffle(reference)


def undo(text, mapping):
    for name, new in sorted(mapping.items(), key=lambda item: len(item[1]), reverse=True):
        text = text.replace(new, name)
    return text


def canonical(table, mapping):
    """A comparisons or claims table with the names put back and the rows in one order."""
    table = table.astype(object).where(table.notna(), None).map(lambda v: undo(v, mapping) if isinstance(v, str) else v)
    rows = sorted(tuple(map(repr, row)) for row in table.itertuples(index=False))
    return rows


def test_renaming_every_run_grid_and_role_and_shuffling_every_list_changes_nothing_but_names():
    experiments, reference = load("config/experiments/paper.yaml"), load("config/paper_reference.yaml")
    inputs, matrix, mlp = report_inputs(experiments, reference)
    rng = random.Random(3)
    for _ in range(3):
        other_experiments, mapping = renamed(experiments, rng)
        other_inputs, other_matrix, _ = report_inputs(other_experiments, shuffled_reference(reference, rng))
        assert set(other_matrix.runs) != set(matrix.runs)  # the names did change
        original, changed = paper_comparisons(inputs), paper_comparisons(other_inputs)
        assert len(original) > 150
        assert canonical(changed, mapping) == canonical(original, {})
        claims = judge_claims(inputs.plan.claims, claim_results(inputs), matrix.roles, mlp["default_settings"])
        other_claims = judge_claims(other_inputs.plan.claims, claim_results(other_inputs), other_matrix.roles,
                                    mlp["default_settings"])
        assert (claims.verdict != "not run").sum() > 10  # the claims were judged, not all skipped
        assert canonical(other_claims.drop(columns="seeds"), mapping) == canonical(claims.drop(columns="seeds"), {})
        for table in ("table1", "table3", "table4"):
            columns = table_columns(other_inputs.plan.comparisons, table)
            rows = paper_rows_table(aggregate_seeds(other_inputs.jobs), other_matrix.tables[table],
                                    other_inputs.reference[table], mlp["default_settings"], columns)
            expected = paper_rows_table(aggregate_seeds(inputs.jobs), matrix.tables[table], reference[table],
                                        mlp["default_settings"], columns)
            assert canonical(rows, mapping) == canonical(expected, {})


def test_a_run_a_reference_number_and_a_comparison_added_in_yaml_only_reach_the_report():
    experiments, reference = load("config/experiments/paper.yaml"), load("config/paper_reference.yaml")
    experiments["runs"]["h1x256"] = {"hidden": [256]}
    reference["wide_layer"] = {"valid": 0.861}
    experiments["comparisons"].append({"section": "extension", "quantity": "1x256 valid accuracy",
                                       "paper": "wide_layer.valid", "ours": {"of": "h1x256", "measure":
                                                                            "final_valid_acc"},
                                       "kind": "accuracy"})
    inputs, matrix, mlp = report_inputs(experiments, reference)
    table = paper_comparisons(inputs)
    added = table[table.section == "extension"]
    assert list(added.setting) == mlp["default_settings"] and (added.paper == 0.861).all()
    jobs = inputs.jobs
    expected = jobs[(jobs.run == "h1x256") & (jobs.setting == mlp["default_settings"][0])].final_valid_acc
    assert added.ours.iloc[0] == pytest.approx(float(expected.iloc[0]))


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(paper="best_model.no_pac.test"), "has no 'best_model.no_pac.test' ('no_pac' is not among "
                                                         "no_pca, pca78, acc_after_15_epochs_pca78; did you mean "
                                                         "'no_pca'?)"),
    (lambda d: d["ours"].update(of="best_rwa"), "ours.of: unknown role or run 'best_rwa'; did you mean 'best_raw'"),
    (lambda d: d["ours"].update(measure="test_acc_fnal"), "unknown measure 'test_acc_fnal'; did you mean "
                                                          "'test_acc_final'"),
    (lambda d: d.update(ours={"fact": "train_sise"}), "unknown fact 'train_sise'; did you mean 'train_size'"),
    (lambda d: d.update(ours={"fact": "training_set_mb"}), "need `variant_of`"),
    (lambda d: d.update(ours={"of": "best_raw", "history": "valid_acc"}), "ours.history needs `of` and `epoch`"),
    (lambda d: d.update(kind="context"), "a context number has no `ours`"),
])
def test_a_declaration_naming_what_does_not_exist_fails_with_did_you_mean(edit, message):
    experiments, reference = load("config/experiments/paper.yaml"), load("config/paper_reference.yaml")
    matrix, _ = planned(experiments)
    declaration = next(d for d in experiments["comparisons"] if d["paper"] == "best_model.no_pca.test")
    edit(declaration)
    with pytest.raises(ConfigError, match=re.escape(message)):
        expand_comparisons(experiments["comparisons"], reference,
                           Names.of(matrix))


def test_a_table_row_the_reference_lacks_fails():
    experiments, reference = load("config/experiments/paper.yaml"), load("config/paper_reference.yaml")
    del reference["table4"][4]
    matrix, _ = planned(experiments)
    with pytest.raises(ConfigError, match=r"row 4 of table4 is not a row of the reference's table4 \(1, 2, 3\)"):
        expand_comparisons(experiments["comparisons"], reference,
                           Names.of(matrix))


def test_reference_keys_are_found_by_name_whatever_yaml_made_of_them():
    reference = {"table1": {13: {"valid": 0.698}}, "best": {"test": 0.85}}
    assert reference_value(reference, "table1.13.valid", "x") == 0.698
    assert reference_value(reference, "best.test", "x") == 0.85


def judged(paper, ours, kind="accuracy", stand_in=False, **fields):
    return judged_row(Comparison("s", "q", paper, kind, {}, stand_in="setup" if stand_in else None, **fields),
                      "sgd", ours, "q", stand_in)


def test_verdicts_by_kind_and_never_from_nan():
    rows = [judged(0.85, seed_summary([0.852, 0.854, 0.850])), judged(0.92, seed_summary([0.85])),
            judged(0.92, seed_summary([])), judged(10, seed_summary([13, 14]), "epochs"),
            judged(100000, 1259, "count", stand_in=True), judged(65152, 48768, "count"),
            judged(470, 170.0, "ratio"), judged(0.7568, None, "context"),
            judged(0.8, {**seed_summary([0.1]), "diverged": 1, "runs": 3}), judged([2076, 2175], "116, 137", "fact")]
    assert [row["verdict"] for row in rows] == [
        "reproduced", "differs", "not run", "reproduced", "expected (stand-in data)", "differs",
        "other machine (ratio shown)", "context (the paper quotes it)", "diverged (1 of 3 seeds)", "differs"]
    assert rows[-1]["paper"] == "2076, 2175"


def test_the_code_holds_no_run_name_no_row_position_and_no_path_position():
    experiments = load("config/experiments/paper.yaml")
    matrix, _ = planned(experiments)
    names = set(matrix.runs) | set(experiments["grids"])
    offenders = []
    for path in [*(REPO / "leanmlp").rglob("*.py"), *(REPO / "scripts").glob("*.py")]:
        text = path.read_text()
        for name in names:
            if re.search(rf"[\"'/]{re.escape(name)}[\"'/]", text):
                offenders.append(f"{path.name}: run {name}")
        for pattern in (r"iloc\[[1-9]\d*\]", r"\[number - 1\]", r"parts\[-"):
            if re.search(pattern, text):
                offenders.append(f"{path.name}: {pattern}")
    assert not offenders


def test_a_number_after_an_epoch_the_runs_never_reached_says_so():
    experiments, reference = load("config/experiments/paper.yaml"), load("config/paper_reference.yaml")
    inputs, matrix, mlp = report_inputs(experiments, reference)
    for key in [key for key in inputs.histories if key[1] == matrix.roles["best_pca"]]:
        inputs.histories[key] = [history[history.epoch <= 2] for history in inputs.histories[key]]
    table = paper_comparisons(inputs)
    row = table[table.quantity.str.startswith("PCA-78: accuracy after 15 epochs")]
    assert set(row.verdict) == {"not measured: its runs end at epoch 2"}


@pytest.mark.parametrize("edit, message", [
    (lambda h: h.update(anomaly="here it reaches {reach}."),
     "hypothesis 'row13_is_l1_1e-3' anomaly: unknown fact 'reach'"),
    (lambda h: h["facts"]["row13"].update(of="best_rwa"), "facts row13 of: unknown role or run 'best_rwa'"),
    (lambda h: h["facts"].update(size={"fact": "train_sise"}), "facts size: unknown fact of the data 'train_sise'"),
])
def test_an_anomaly_names_only_facts_it_declares_and_they_exist(edit, message):
    """An anomaly's numbers come from this run's data through its `facts`: a wrong name fails at
    planning, before any job, never as a '?' in the report."""
    experiments = load("config/experiments/paper.yaml")
    edit(next(h for h in experiments["hypotheses"] if h["id"] == "row13_is_l1_1e-3"))
    with pytest.raises(ConfigError, match=re.escape(message)):
        planned(experiments)


def test_a_new_kind_of_source_is_one_class():
    """docs/architecture.md's example: the random control of a role's selected set as a source.
    Defining the class is all the code it takes (the schema, which this test skips, gets one
    entry); the plan's parsing finds it and the report evaluates it per setting."""

    @dataclass(frozen=True)
    class RandomControlOf(Source):
        key: ClassVar[str] = "random_of"
        companions: ClassVar[tuple[str, ...]] = ("measure",)
        run: str
        measure: str

        @classmethod
        def parse(cls, ours, where, names):
            selected = names.run(ours["random_of"], f"{where}: ours.random_of")
            target = names.inputs[selected].partition("/")[2]
            return cls(names.trained_on(f"{RANDOM_CONTROL}/{target}")[0], ours["measure"])

        def values(self, data, kind):
            return RunMeasure(self.run, self.measure).values(data, kind)

    try:
        experiments, reference = load("config/experiments/paper.yaml"), load("config/paper_reference.yaml")
        experiments["comparisons"].append({
            "section": "random control", "quantity": "table 3 row 6 test: a random subset of the same size",
            "paper": "table3.6.test", "ours": {"random_of": "last_mean_distance", "measure": "test_acc_final"},
            "kind": "accuracy"})
        inputs, matrix, mlp = report_inputs(experiments, reference)
        added = paper_comparisons(inputs).query("section == 'random control'")
        control = matrix.roles["last_random"]  # the random subset of the last mean-distance target's size
        assert added.source.str.startswith(control).all() and list(added.setting) == mlp["default_settings"]
        jobs = inputs.jobs
        expected = jobs[(jobs.run == control) & (jobs.setting == mlp["default_settings"][0])].test_acc_final.mean()
        assert added.ours.iloc[0] == pytest.approx(expected)
        with pytest.raises(ConfigError, match="ours.random_of: unknown role or run 'last_mean_distanse'"):
            experiments["comparisons"][-1]["ours"]["random_of"] = "last_mean_distanse"
            report_inputs(experiments, reference)
    finally:
        del Source.kinds["random_of"]
