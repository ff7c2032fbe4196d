"""What the config alone reveals fails before any job runs, in one line naming the key, and
one value can be changed from the command line or an overlay file."""

import pytest
import yaml

pytestmark = pytest.mark.workflow


def write_yaml(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path.name


def demo_with(workflow, edit_config=None, edit_experiments=None):
    config = yaml.safe_load((workflow / "config/demo.yaml").read_text())
    if edit_experiments:
        experiments = yaml.safe_load((workflow / "config/experiments/paper.yaml").read_text())
        edit_experiments(experiments)
        config["mlp"]["experiments"] = write_yaml(workflow / "experiments.yaml", experiments)
    if edit_config:
        edit_config(config)
    return write_yaml(workflow / "test.yaml", config)


def fails_before_any_job(workflow, config, message, *extra):
    result = workflow.run("--cores", "1", "--configfile", config, *extra)
    assert result.returncode != 0
    assert message in result.output, result.output[-2000:]
    assert "Traceback" not in result.output
    assert not (workflow / "results").exists()  # nothing ran


@pytest.mark.parametrize("edit_experiments, message", [
    (lambda e: e["roles"]["best_pca"].update(run="best_pac"),
     "roles.best_pca: unknown run 'best_pac'; did you mean 'best_pca'?"),
    (lambda e: e["table2_mlp"].update({1: "h1x23"}), "table2_mlp.1: unknown run 'h1x23'"),
    (lambda e: e["claims"][2].update(minus="best_rwa"), "unknown role 'best_rwa'"),
    (lambda e: e["runs"]["h1x64"].update(dropout_keep=0.5, dropout_after=[3, 4]),
     "run 'h1x64' under sgd_lr0.1: dropout_after [3, 4]"),
    (lambda e: e["runs"]["h1x64"].update(hidden=[64, 0]), "hidden"),
    (lambda e: e["runs"]["h1x64"].update(learning_rate=0.1), "learning_rate"),
    (lambda e: e["comparisons"][0].update(paper="dataset.sizes.trian"),
     "comparisons[0] (dataset: train size): config/paper_reference.yaml has no 'dataset.sizes.trian'"),
    (lambda e: e["comparisons"][7]["ours"].update(of="h1x10"),
     "ours.of: unknown role or run 'h1x10'; did you mean"),
    # a wrong type anywhere: one line naming the experiments file and the key, not a schema dump
    (lambda e: e["runs"]["h1x32"].update(hidden=[0]),
     "invalid configuration: experiments.yaml: runs.h1x32.hidden[0]: 0 is less than the minimum of 1"),
    (lambda e: e["runs"]["h1x32"].update(activation="Relu"),
     "experiments.yaml: runs.h1x32.activation: 'Relu' is not one of ['relu', 'sigmoid', 'tanh']"),
    (lambda e: e.update(claims={"a": 1}), "experiments.yaml: claims: {'a': 1} is not of type 'array'"),
])
def test_experiment_mistakes_fail_before_any_job(workflow_dir, edit_experiments, message):
    fails_before_any_job(workflow_dir, demo_with(workflow_dir, edit_experiments=edit_experiments), message)


@pytest.mark.parametrize("edit_config, message", [
    (lambda c: c["mining"]["rmse"].update(after={"fraction": 0.9}),
     "mining.rmse.after {'fraction': 0.9} is not one of mining.mean_distance.targets"),
    (lambda c: c["data"].update(sizes={"train": 0.8, "valid": 0.15, "test": 0.15}),
     "data.sizes: the fractions train 0.8 + valid 0.15 + test 0.15 add up to 1.1, more than 1"),
    (lambda c: c["mlp"].update(defaults={"l1": 1.0e-5}),
     "the config's mlp.defaults (laid over config/experiments/paper.yaml): run "),
    (lambda c: c["mlp"].update(defaults={"dropout_after": [7]}),
     "the config's mlp.defaults (laid over config/experiments/paper.yaml): run 'h3x128_drop0.25' under "
     "sgd_lr0.1: dropout_after [7]: there are hidden layers 1..3"),
    (lambda c: c["mlp"].update(experiments="config/experiments/missing.yaml"),
     "mlp.experiments: no file config/experiments/missing.yaml"),
    (lambda c: c["mlp"].update(defaults={"dropout_keep": 0}), "0 is less than or equal to the minimum of 0"),
    (lambda c: c["data"].update(source="file:///etc/passwd"), "data.source file:///etc/passwd: only https://"),
    (lambda c: c["mining"]["rmse"]["targets"].append({"fraction": float("nan")}),
     "mining.rmse.targets[4].fraction is nan: give a finite number"),
    # of a count or a fraction, the complaint of the nearer one, not "valid under none"
    (lambda c: c["data"]["sizes"].update(valid=0),
     "invalid configuration: the config: data.sizes.valid: 0 is less than the minimum of 1"),
])
def test_config_mistakes_fail_before_any_job(workflow_dir, edit_config, message):
    fails_before_any_job(workflow_dir, demo_with(workflow_dir, edit_config), message)


@pytest.mark.parametrize("text, message", [
    ("", "experiments.yaml is empty: it declares settings, defaults, runs, figures and tables"),
    ("settings: [\n", "experiments.yaml is not valid YAML (line 2, column 1: expected the node content"),
])
def test_an_experiments_file_that_is_not_one_is_named(workflow_dir, text, message):
    config = yaml.safe_load((workflow_dir / "config/demo.yaml").read_text())
    (workflow_dir / "experiments.yaml").write_text(text)
    config["mlp"]["experiments"] = "experiments.yaml"
    fails_before_any_job(workflow_dir, write_yaml(workflow_dir / "test.yaml", config), message)


def test_one_value_from_the_command_line_or_an_overlay(workflow_dir):
    target = "results/demo/mlp/adam_lr0.001/h1x32/seed0/metrics.json"
    result = workflow_dir.run("-n", target, "--configfile", "config/demo.yaml",
                              "--config", "mlp={defaults: {epochs: 3, l2: 0.05}}")
    assert result.returncode != 0 and "choose one weight penalty" in result.output  # typed and checked
    result = workflow_dir.run("-n", "mlp", "--configfile", "config/demo.yaml", "--config", "mlp={seeds: [0, 4]}")
    assert result.returncode == 0 and "h1x64/seed4/metrics.json" in result.output
    overlay = write_yaml(workflow_dir / "overlay.yaml", {"mlp": {"defaults": {"epochs": 2}}})
    result = workflow_dir.run("--cores", "1", target, "--configfile", "config/demo.yaml", overlay)
    assert result.returncode == 0, result.output[-2000:]
    metrics = yaml.safe_load((workflow_dir / target).read_text())
    assert metrics["epochs_run"] == 2 and metrics["hyperparameters"]["epochs"] == 2
