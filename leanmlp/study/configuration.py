"""Checks of a config that need no data: run when the workflow is parsed, so a mistake fails
before any job starts, naming the key. (What needs the data, such as more components than
features or a total above the training set, fails in the first job that can know.)"""

import math

import yaml
from jsonschema.exceptions import ValidationError, best_match

from leanmlp.data.sources import check_data_config
from leanmlp.data.splits import SPLIT_NAMES, check_size_fractions
from leanmlp.exceptions import ConfigError
from leanmlp.mining.pruning import target_slug
from leanmlp.mining.selection import SCORED_METHODS, check_controls
from leanmlp.study.baselines import SLOW_BASELINES, check_baseline_name

NAME_LIMIT = 100  # results/<name>/... file names must stay under the file system's 255 bytes


def typed(value: object) -> object:
    """A value given with ``--config`` as Snakemake passes it (nested values as strings) in its
    YAML type: '0.05' -> 0.05, '[0, 1]' -> [0, 1]; top-level values are already typed."""
    if isinstance(value, str):
        try:
            return yaml.safe_load(value)
        except yaml.YAMLError as e:
            where = f" (line {e.problem_mark.line + 1}, column {e.problem_mark.column + 1})" \
                if getattr(e, "problem_mark", None) else ""
            raise ConfigError(f"--config value {value!r} is not YAML{where}: "
                              f"{getattr(e, 'problem', None) or e}") from None
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    return value


def yaml_error_line(error: yaml.YAMLError) -> str:
    """A YAML parser's error as one line: where, and what it found."""
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    return f"{where}{getattr(error, 'problem', None) or error}"


def schema_error_line(error: ValidationError) -> str:
    """A schema violation as one line: the key's dotted path and the most specific complaint
    (of the alternatives of a oneOf or anyOf, the one that fits best, not "valid under none")."""
    specific = best_match(error.context) if error.context else error
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in specific.absolute_path)
    return f"{path.lstrip('.') or 'the top level'}: {specific.message}"


def apply_command_line(config: dict, command_line: dict) -> dict:
    """Lay ``--config`` values over ``config`` in their YAML types, section by section, so
    ``--config 'mlp={defaults: {l1: 0.05}}'`` changes that one value. In place."""
    for key, value in command_line.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            apply_command_line(config[key], value)
        else:
            config[key] = typed(value)
    return config


def check_finite(tree: object, where: str = "") -> None:
    """No NaN or infinity anywhere: a schema's range checks let NaN through (every comparison
    with it is false), and a NaN rate or penalty trains to a run recorded as diverged."""
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for key, value in items:
        path = f"{where}[{key}]" if isinstance(tree, list) else f"{where}.{key}" if where else str(key)
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{path} is {value}: give a finite number")
        check_finite(value, path)


def check_rmse_after(mining: dict) -> None:
    """mining.rmse.after names the mean-distance cut whose kept set is scored: it must be one,
    and an RMSE target of the same kind cannot keep more than that cut leaves to score."""
    after = target_slug(mining["rmse"]["after"])
    known = [target_slug(target) for target in mining["mean_distance"]["targets"]]
    if after not in known:
        raise ConfigError(f"mining.rmse.after {mining['rmse']['after']} is not one of "
                          f"mining.mean_distance.targets ({', '.join(known)})")
    (kind, leaves), = mining["rmse"]["after"].items()
    for target in mining["rmse"]["targets"]:
        if kind in target and target[kind] > leaves:
            raise ConfigError(f"mining.rmse.targets {target} keeps more than the {leaves} that mining.rmse.after "
                              f"{mining['rmse']['after']} leaves to score: give targets below it")


def check_targets_once(mining: dict, methods: tuple[str, ...]) -> None:
    """Each method lists a target once: a second one would train the same set twice under one name."""
    for method in methods:
        slugs = [target_slug(target) for target in mining[method]["targets"]]
        twice = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if twice:
            raise ConfigError(f"mining.{method}.targets lists {twice[0]} twice: each target once")


def baseline_models(baselines: dict) -> list[str]:
    """The baselines a config asks for (the slow ones with ``slow_models``), each name checked."""
    models = list(baselines["models"]) + (list(SLOW_BASELINES) if baselines.get("slow_models") else [])
    for model in models:
        check_baseline_name(model)
    return models


def check_config(config: dict) -> None:
    """Every data-free check of a schema-valid config; raises ConfigError naming the key. Lists
    data.sizes in split order (the one change it makes)."""
    check_finite(config)
    if len(config["name"]) > NAME_LIMIT:
        raise ConfigError(f"name is {len(config['name'])} characters long; results/<name>/ and its file names "
                          f"need it at most {NAME_LIMIT}")
    data = config["data"]
    check_data_config(data["source"], data["split"], data["parts"])
    if data["source"].startswith("http://") and not data.get("md5"):
        raise ConfigError(f"data.source {data['source']} is plain http:// and data.md5 is not set: nothing would "
                          "check what arrives; use https:// or give the archive's md5")
    check_size_fractions(data["sizes"])
    # listed in one order whatever the file's, so that reordering keys never reruns a job
    data["sizes"] = {name: data["sizes"][name] for name in SPLIT_NAMES}
    check_targets_once(config["mining"], SCORED_METHODS)
    check_rmse_after(config["mining"])
    check_controls(config["mining"])
    baseline_models(config["baselines"])
