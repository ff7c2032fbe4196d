"""The experiment matrix as declared data: roles, seeds, claims and numbered table rows are
resolved by name, checked when the workflow is parsed, and independent of list order."""

import random

import pytest
import yaml
from conftest import REPO

from leanmlp.exceptions import ConfigError
from leanmlp.mining.selection import method_slugs
from leanmlp.plan import input_variants
from leanmlp.study.matrix import job_hyperparameters, mlp_settings, plan_matrix, plan_matrix_of

MINING = yaml.safe_load((REPO / "config/shared_bymerge.yaml").read_text())["mining"]
TARGETS = method_slugs(MINING)
VARIANTS = input_variants(MINING)


def paper_experiments():
    return yaml.safe_load((REPO / "config/experiments/paper.yaml").read_text())


def plan(experiments, seeds=(0,), **mlp):
    settings = mlp_settings(experiments, mlp)
    return plan_matrix(experiments, {**settings, "seeds": list(seeds)}, TARGETS, VARIANTS)


def test_roles_resolve_to_runs_and_bring_their_seeds():
    matrix = plan(paper_experiments())
    assert matrix.roles["first_mean_distance"] == "table3_mean_distance-input~mean_distance.total94000"
    assert matrix.roles["first_rmse"] == "table4_rmse-input~rmse.total89300"
    # a target by its slug, and by its number
    assert matrix.roles["proportional_mean_distance"] == "table3_mean_distance-input~mean_distance.proportional0.5"
    assert matrix.roles["last_mean_distance"] == "table3_mean_distance-input~mean_distance.total50000"
    assert matrix.seeds["h3x128"] == [0, 1, 2] and matrix.seeds["h1x64"] == [0]
    assert matrix.seeds[matrix.roles["record"]] == [0]
    # every claim's roles get at least 3 seeds in the paper's file
    for claim in matrix.claims:
        for key in ("of", "minus", "relative_to"):
            if key in claim:
                assert len(matrix.seeds[matrix.roles[claim[key]]]) >= 3, claim["id"]


def test_a_role_takes_the_files_role_seeds_unless_it_names_its_own():
    experiments = paper_experiments()
    experiments["role_seeds"] = [3, 4]
    matrix = plan(experiments)
    assert matrix.seeds["h3x128"] == [3, 4]  # plain: no seeds of its own
    assert matrix.seeds[matrix.roles["record"]] == [0]  # its own
    del experiments["role_seeds"]
    assert plan(experiments, seeds=(7,)).seeds["h3x128"] == [7]  # neither: the config's


def shuffled(mapping, rng):
    items = list(mapping.items())
    rng.shuffle(items)
    return dict(items)


def test_shuffling_runs_figures_tables_and_roles_changes_nothing():
    original = plan(paper_experiments())
    rng = random.Random(0)
    for _ in range(5):
        experiments = paper_experiments()
        for key in ("runs", "grids", "roles", "figures", "table1", "table2_mlp", "table3", "table4", "settings"):
            experiments[key] = shuffled(experiments[key], rng)
        for grid in experiments["grids"].values():
            grid["vary"] = shuffled(grid["vary"], rng)
        matrix = plan(experiments)
        assert matrix.roles == original.roles and matrix.seeds == original.seeds
        assert list(matrix.figures.items()) == list(original.figures.items())
        for table, rows in original.tables.items():
            assert dict(matrix.tables[table]) == dict(rows), table
        assert set(matrix.runs) == set(original.runs)


@pytest.mark.parametrize("edit, message", [
    (lambda e: e["roles"]["plain"].update(run="h3x12"), "roles.plain: unknown run 'h3x12'; did you mean 'h3x128'"),
    (lambda e: e["roles"]["first_rmse"].update(input="rmse/#9"), "rmse targets #1..#4"),
    (lambda e: e["roles"]["last_rmse"].update(input="rmse/total5000"),
     "roles.last_rmse.input: unknown rmse target 'total5000'; did you mean 'total50000'"),
    (lambda e: e["figures"].update({6: "h3x182"}), "figures.6: unknown run 'h3x182'"),
    (lambda e: e["table1"].update({2: "h1x23"}), "table1.2: unknown run 'h1x23'"),
    (lambda e: e["table3"].update({2: {"model_of": "best_pac", "input": "mean_distance/#1"}}),
     "table3.2.model_of: unknown run 'best_pac'; did you mean 'best_pca'"),
    (lambda e: e.update(figure16=["best_raw", "table5"]), "figure16: unknown role, table or grid 'table5'"),
    (lambda e: e["claims"][0].update(of="best_rwa"), "unknown role 'best_rwa'; did you mean 'best_raw'"),
    (lambda e: e["claims"][0].update(minus="best_pca"),
     "pairing: paired, but best_raw and best_pca differ in input (raw against pca): their seeds start from"),
    (lambda e: e["claims"][0].update(measure="seconds_total"), "seconds_total is a time, and the seeds of two"),
    (lambda e: e["runs"]["h1x32"].update(dropout_keep=1.5), "run 'h1x32' under sgd_lr0.1: dropout keep probability"),
    (lambda e: e["runs"]["h1x32"].update(l2=1e-4, l1=1e-4), "run 'h1x32' under sgd_lr0.1: choose one weight penalty"),
    (lambda e: e["runs"]["h1x32"].update(settings=["adam_lr1"]), "unknown optimizer setting 'adam_lr1'"),
    (lambda e: e["runs"]["h1x32"].update(input="rmse/total1"), "run 'h1x32': unknown input 'rmse/total1'"),
    (lambda e: e["runs"]["h1x32"].update(dropout_after=[7], dropout_keep=0.5), "dropout_after [7]"),
    (lambda e: e["grids"].update(lr={"base": {}, "vary": {"learning_rate": [0.5, 0.01]}}),
     "run 'lr-learning_rate~0.5' sets learning_rate: 0.5, but its optimizer setting 'sgd_lr0.1' owns learning_rate"),
    (lambda e: e["runs"]["h1x32"].update(optimizer="momentum"), "owns optimizer ('sgd')"),
    (lambda e: e["grids"]["table1_l1"]["vary"].update(l1=[float("nan")]), "grids.table1_l1.vary.l1[0] is nan"),
    (lambda e: e["settings"]["adam_lr0.001"].update(learning_rate=float("nan")),
     "settings.adam_lr0.001.learning_rate is nan: give a finite number"),
    (lambda e: e["defaults"].update(learning_rate=0.5), "defaults set learning_rate, which optimizer setting"),
    (lambda e: e["grids"]["table1_l1"]["vary"].update(l1=["abc"]), "run 'table1_l1-l1~abc' under sgd_lr0.1: l1 must "
                                                                   "be a number, got 'abc'"),
])
def test_a_bad_name_or_hyperparameter_is_named(edit, message):
    experiments = paper_experiments()
    edit(experiments)
    with pytest.raises(ConfigError, match=None) as error:
        plan(experiments)
    assert message in str(error.value)


def test_defaults_with_l1_and_a_grid_varying_l2_fail_naming_the_run():
    experiments = paper_experiments()
    with pytest.raises(ConfigError) as error:
        plan(experiments, defaults={"l1": 1e-5})
    assert "run '" in str(error.value) and "one weight penalty" in str(error.value)


def test_the_config_lays_settings_and_defaults_over_the_experiments_file():
    experiments = paper_experiments()
    settings = mlp_settings(experiments, {"defaults": {"epochs": 7}, "settings": {"sgd_lr0.1": {
        "optimizer": "sgd", "learning_rate": 5.0}}})
    assert settings["defaults"]["epochs"] == 7 and settings["defaults"]["hidden"] == [128, 128, 128]
    assert settings["settings"]["sgd_lr0.1"]["learning_rate"] == 5.0 and "adam_lr0.1" in settings["settings"]


def test_a_mistake_is_blamed_on_the_file_it_is_in():
    experiments = paper_experiments()
    mlp_config = {"defaults": {"dropout_after": [7]}}
    mlp = {**mlp_settings(experiments, mlp_config), "seeds": [0]}
    with pytest.raises(ConfigError, match=r"^the config's mlp.defaults \(laid over paper.yaml\): run "):
        plan_matrix_of("paper.yaml", experiments, mlp_config, mlp, TARGETS, VARIANTS)
    experiments["runs"]["h1x64"]["hidden"] = [64, 0]
    mlp = {**mlp_settings(experiments, {}), "seeds": [0]}
    with pytest.raises(ConfigError, match=r"^paper.yaml: run 'h1x64'"):
        plan_matrix_of("paper.yaml", experiments, {}, mlp, TARGETS, VARIANTS)


def test_hyperparameters_are_listed_in_one_order_whatever_the_files_order():
    defaults = paper_experiments()["defaults"]
    reordered = dict(reversed(list(defaults.items())))
    setting = {"learning_rate": 0.1, "optimizer": "sgd"}
    first = job_hyperparameters(defaults, setting, {"l1": 1e-5})
    second = job_hyperparameters(reordered, dict(reversed(list(setting.items()))), {"l1": 1e-5})
    assert repr(first) == repr(second) and first["l1"] == 1e-5


def test_a_table_row_on_a_target_the_config_lacks_stays_in_the_table_not_run():
    experiments = paper_experiments()
    few = {method: slugs[:2] for method, slugs in TARGETS.items()}
    # without the roles and the judged items on the targets this config lacks
    lacking = {"last_mean_distance", "last_rmse", "proportional_mean_distance", "last_random", "last_el2n"}
    experiments["roles"] = {role: spec for role, spec in experiments["roles"].items() if role not in lacking}
    for judged in ("claims", "hypotheses"):
        experiments[judged] = [item for item in experiments[judged]
                               if not lacking & {item["of"], item.get("minus"), item.get("relative_to")}]
    matrix = plan_matrix(experiments, {**mlp_settings(experiments, {}), "seeds": [0]}, few,
                         ["raw", "pca"] + [f"{m}/{s}" for m, slugs in few.items() for s in slugs])
    assert matrix.tables["table3"][3] == "table3_mean_distance-input~mean_distance.total89300"
    assert matrix.tables["table3"][4] is None and matrix.tables["table3"][6] is None
    assert None not in matrix.figure16


def test_a_grid_point_is_named_by_its_values_not_by_how_its_name_spells_a_number():
    experiments = paper_experiments()
    experiments["roles"]["by_name"] = {"run": "table1_l1-l1~1e-05"}  # the old spelling still reads
    experiments["roles"]["by_value"] = {"grid": "table1_l1", "at": {"l1": 0.00001}}
    matrix = plan(experiments)
    assert matrix.roles["by_value"] == matrix.roles["by_name"] == "table1_l1-l1~1e-05"
    experiments["roles"]["by_value"]["at"] = {"l1": 3.0e-5}
    with pytest.raises(ConfigError, match=r"roles.by_value: grid 'table1_l1' has no point at \{'l1': 3e-05\} "
                                          r"\(its points: table1_l1-l1~0.0001, table1_l1-l1~1e-05\)"):
        plan(experiments)
