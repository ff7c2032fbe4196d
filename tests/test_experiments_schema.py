"""The experiments file's schema: what a judged claim may declare, checked before any job runs."""

import copy

import pytest
import yaml
from conftest import REPO
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

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
