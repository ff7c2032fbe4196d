"""The experiments file's schema: what a judged claim may declare, checked before any job runs."""

import copy
import math
import re

import pytest
import yaml
from conftest import REPO
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from leanmlp.mining.selection import SELECTION_METHODS
from leanmlp.nn.hyperparameters import BY_NAME, ORDER
from leanmlp.study.configuration import schema_error_line, yaml_error_line

SCHEMA = str(REPO / "workflow/schemas/experiments.schema.yaml")
PAPER = yaml.safe_load((REPO / "config/experiments/paper.yaml").read_text())


def claim(claim_id):
    experiments = copy.deepcopy(PAPER)
    return experiments, next(c for c in experiments["claims"] if c["id"] == claim_id)


def test_the_papers_experiments_file_is_valid():
    validate(copy.deepcopy(PAPER), SCHEMA)


@pytest.mark.parametrize("claim_id, edit, message", [
    ("pca_saves_64_percent_memory", lambda c: c.update(pairing="paired"), "should not be valid"),
    ("pca_saves_64_percent_memory", lambda c: c.update(measure="test_acc_final"), "is valid under each of"),
    ("pca_saves_64_percent_memory", lambda c: c.update(fact="disk"), "'disk' is not one of"),
    ("mlp_beats_every_baseline", lambda c: c.update(minus="plain", pairing="paired"), "should not be valid"),
    ("mlp_beats_every_baseline", lambda c: c.update(minus_best_baseline="fit_seconds"), "is not one of"),
    ("regularisation_closes_gap", lambda c: c.pop("pairing"), "'pairing' is a dependency of 'minus'"),
    ("regularisation_closes_gap", lambda c: c.pop("measure"), "is not valid under any of the given schemas"),
])
def test_a_claim_that_mixes_kinds_fails_naming_the_rule(claim_id, edit, message):
    experiments, item = claim(claim_id)
    edit(item)
    with pytest.raises(WorkflowError, match=message):
        validate(experiments, SCHEMA)


def test_a_schema_error_is_one_line_naming_the_key_and_the_nearest_complaint():
    experiments, judged = claim("regularisation_closes_gap")
    judged["above"] = "big"
    with pytest.raises(WorkflowError) as error:
        validate(experiments, SCHEMA)
    line = schema_error_line(error.value.__context__)
    assert line.startswith("claims[0]") and "\n" not in line
    try:
        yaml.safe_load("settings: [\n")
    except yaml.YAMLError as e:
        assert yaml_error_line(e).startswith("line 2, column 1: expected the node content")


def schema_bounds(spec):
    """(low, high, open bounds, choices) a schema property allows (a list's entries' for a list)."""
    spec = spec.get("items", spec)
    low = spec.get("minimum", spec.get("exclusiveMinimum", -math.inf))
    high = spec.get("maximum", spec.get("exclusiveMaximum", math.inf))
    opened = tuple(side for side, key in (("low", "exclusiveMinimum"), ("high", "exclusiveMaximum")) if key in spec)
    return low, high, opened, tuple(spec.get("enum", ()))


def test_the_config_schema_allows_each_hyperparameter_what_its_one_definition_does():
    """A hyperparameter is defined once (leanmlp.nn.hyperparameters): the schema's run and
    setting properties name exactly those, in their order, with the same ranges and choices."""
    definitions = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())["$defs"]
    properties = {**definitions["mlp_hyperparameters"]["properties"], **definitions["setting"]["properties"]}
    assert list(properties) == [name for name in ORDER if name in properties] and set(properties) == set(ORDER)
    for name, spec in properties.items():
        defined = BY_NAME[name]
        if name == "input":  # a name of a training set: its pattern is the mining methods' (below)
            continue
        assert schema_bounds(spec) == (defined.low, defined.high, defined.open, defined.choices), name


def test_the_schema_names_every_selection_method_a_run_may_train_on():
    definitions = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())["$defs"]
    pattern = re.compile(definitions["mlp_hyperparameters"]["properties"]["input"]["pattern"])
    for method in SELECTION_METHODS:
        assert pattern.fullmatch(f"{method}/fraction0.5"), method
    assert pattern.fullmatch("raw") and pattern.fullmatch("pca") and not pattern.fullmatch("lasso/fraction0.5")
