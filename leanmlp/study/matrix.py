"""The experiment matrix as declared data: runs and grids, the roles the claims compare, the
figures and tables they fill, and how many seeds each run gets.

``plan_matrix`` checks every name against every other and every run's hyperparameters
against the model's rules, so a config mistake fails while the workflow is parsed, naming
the key, before any job runs.
"""

import difflib
import itertools
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

from leanmlp.exceptions import ConfigError
from leanmlp.nn.fitting import split_hyperparameters
from leanmlp.nn.hyperparameters import ORDER
from leanmlp.study.claims import FACTS
from leanmlp.study.configuration import check_finite

# Keys of a run that steer the matrix rather than the model.
MATRIX_KEYS = ("settings", "seeds")


def grid_run_name(grid: str, assignment: dict) -> str:
    """`reg` + {'l2': 0.001} -> 'reg-l2~0.001' (Snakemake's Paramspace style); keys
    in sorted order, so a name never depends on the order the grid lists its axes in."""
    parts = [f"{key}~{str(value).replace('/', '.')}" for key, value in sorted(assignment.items())]
    return "-".join([grid, *parts])


def expand_grid_value(value: object, mining_targets: dict[str, list[str]]) -> list:
    """'<method>/*' stands for every target of that pruning method, in the config's order."""
    if isinstance(value, str) and value.endswith("/*"):
        method = value[:-2]
        if method not in mining_targets:
            raise ConfigError(f"grid value {value!r}: no pruning method {method!r}; "
                              f"known: {', '.join(mining_targets)}")
        return [f"{method}/{slug}" for slug in mining_targets[method]]
    return [value]


def expand_experiments(experiments: dict, mining_targets: dict[str, list[str]]) -> dict[str, dict]:
    """All runs of an experiments file: its ``runs`` plus every point of its ``grids``.

    mining_targets : {'mean_distance': [slugs], 'rmse': [slugs]}
    Returns {run name: hyperparameter overrides (may include 'settings' and 'seeds')}.
    """
    runs = dict(experiments.get("runs", {}))
    for grid, spec in experiments.get("grids", {}).items():
        axes = [[(key, expanded) for value in values for expanded in expand_grid_value(value, mining_targets)]
                for key, values in spec["vary"].items()]
        for point in itertools.product(*axes):
            assignment = dict(point)
            name = grid_run_name(grid, assignment)
            if name in runs:
                raise ConfigError(f"run {name!r} is defined twice")
            runs[name] = {**spec.get("base", {}), **assignment}
    return runs


# The order a job's hyperparameters are listed in (leanmlp.nn.hyperparameters). Snakemake
# compares a job's params as text, so a config whose keys are merely listed in another order
# must give the same text.
HYPERPARAMETER_ORDER = ORDER


def job_hyperparameters(defaults: dict, setting: dict, run: dict) -> dict:
    """A job's full hyperparameters: defaults, then the run's keys, then the optimizer setting,
    listed in ``HYPERPARAMETER_ORDER`` (any other key after them, alphabetically)."""
    model = {key: value for key, value in run.items() if key not in MATRIX_KEYS}
    merged = {**defaults, **model, **setting}
    order = {key: i for i, key in enumerate(HYPERPARAMETER_ORDER)}
    return {key: merged[key] for key in sorted(merged, key=lambda key: (order.get(key, len(order)), key))}


def model_of(run: dict) -> dict:
    """What a run trains, apart from its input and matrix keys."""
    return {key: value for key, value in run.items() if key not in ("input", *MATRIX_KEYS)}


def variant_runs(runs: dict[str, dict], base: str, method: str, slugs: list[str]) -> dict[str, str]:
    """The runs that train ``runs[base]``'s model on each pruned set of ``method``, in ``slugs``
    order: the rows of the paper's tables 3 and 4."""
    found = []
    for slug in slugs:
        found += [name for name, run in runs.items()
                  if run.get("input") == f"{method}/{slug}" and model_of(run) == model_of(runs[base])][:1]
    return found


def close_names(name: str, known: Iterable[str]) -> str:
    """'; did you mean 'x' or 'y'?' for the spellings of ``known`` closest to ``name``, else ''."""
    close = difflib.get_close_matches(str(name), list(dict.fromkeys(str(k) for k in known)), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def unknown_name(kind: str, name: str, known: Iterable[str], where: str) -> ConfigError:
    """A ConfigError for a name that is not among ``known``, with the closest spellings."""
    return ConfigError(f"{where}: unknown {kind} {name!r}{close_names(name, known)}")


@dataclass
class Matrix:
    """The resolved matrix. runs: {name: overrides}; seeds: {name: [seeds]}; roles:
    {role: run}; figures: {the paper's figure number: run}; tables: {table of the experiments
    file: {row key: run}} in the file's row order; figure16: runs; figure18: a run on the full
    set, whose network the figure follows over the selected sets; claims and comparisons:
    lists of their declarations."""

    runs: dict
    seeds: dict
    roles: dict
    figures: dict
    tables: dict
    figure16: list
    figure18: str  # the run whose network figure 18 draws on every selected set
    claims: list = field(default_factory=list)
    comparisons: list = field(default_factory=list)
    hypotheses: list = field(default_factory=list)

    def names(self) -> dict[str, str]:
        """{role or run: run}: what a claim or a hypothesis may name."""
        return self.names_of(self.runs, self.roles)

    @staticmethod
    def names_of(runs: Iterable[str], roles: dict[str, str]) -> dict[str, str]:
        return {**{run: run for run in runs}, **roles}

    def settings_of(self, run: str, default_settings: list[str]) -> list[str]:
        return self.runs[run].get("settings", default_settings)


# The experiments file's tables of runs, by the paper's table they fill.
TABLES = ("table1", "table2_mlp", "table3", "table4")


def split_input(text: str) -> tuple[str, str, str | None]:
    """(method, target, N) of a declared input: N is the number of ``METHOD/#N`` (a string, as
    written), None for ``METHOD/SLUG``."""
    method, _, target = text.partition("/")
    return method, target, target[1:] if target.startswith("#") else None


def input_target(where: str, text: str, mining_targets: dict[str, list[str]]) -> tuple[str, str]:
    """(method, slug) of a declared input: ``METHOD/#N`` is target N (1-based, in the config's
    order), ``METHOD/SLUG`` a target by its slug ('mean_distance/proportional0.5')."""
    method, target, number = split_input(text)
    if method not in mining_targets:
        raise unknown_name("pruning method", method, mining_targets, f"{where}.input")
    slugs = mining_targets[method]
    if number is None:
        if target not in slugs:
            raise unknown_name(f"{method} target", target, slugs, f"{where}.input")
        return method, target
    if not number.isdigit() or not 1 <= int(number) <= len(slugs):
        raise ConfigError(f"{where}.input {text!r}: the config has {method} targets #1..#{len(slugs)}")
    return method, slugs[int(number) - 1]


def resolve_run(where: str, spec: str | dict, runs: dict[str, dict], mining_targets: dict[str, list[str]]) -> str:
    """The run a declaration names: a run's name, ``{run: NAME}``, ``{grid: GRID, at: {key:
    value}}`` for a grid's point by its values (whatever spelling its name gives a number), or
    ``{model_of: NAME, input: METHOD/#N or METHOD/SLUG}`` for the run that trains NAME's model on
    that target of a pruning method."""
    if isinstance(spec, dict) and "grid" in spec:
        name = grid_run_name(spec["grid"], spec["at"])
        if name not in runs:
            points = [run for run in runs if run.startswith(f"{spec['grid']}-")]
            raise ConfigError(f"{where}: grid {spec['grid']!r} has no point at {spec['at']}"
                              + (f" (its points: {', '.join(points)})" if points else " (no such grid)"))
        return name
    if isinstance(spec, str) or "run" in spec:
        name = spec if isinstance(spec, str) else spec["run"]
        if name not in runs:
            raise unknown_name("run", name, runs, where)
        return name
    base = spec["model_of"]
    if base not in runs:
        raise unknown_name("run", base, runs, f"{where}.model_of")
    method, slug = input_target(where, spec["input"], mining_targets)
    found = variant_runs(runs, base, method, [slug])
    if not found:
        raise ConfigError(f"{where}: no run trains {base!r}'s model on {method}/{slug}")
    return found[0]


def check_run(name: str, run: dict, defaults: dict, settings: dict, default_settings: list[str],
              input_variants: list[str]) -> None:
    """Every job of a run must build a model: known keys, values in range, known settings, and
    no key that its optimizer setting owns (the setting would silently win)."""
    for setting in run.get("settings", default_settings):
        if setting not in settings:
            raise unknown_name("optimizer setting", setting, settings, f"run {name!r}")
        owned = sorted(set(model_of(run)) & set(settings[setting]))
        if owned:
            key = owned[0]
            raise ConfigError(f"run {name!r} sets {key}: {run[key]!r}, but its optimizer setting {setting!r} owns "
                              f"{key} ({settings[setting][key]!r}) and would train it at that value; declare a "
                              f"setting with {key}: {run[key]!r} under `settings` and give the run "
                              f"`settings: [<that setting>]` instead")
        hyperparameters = job_hyperparameters(defaults, settings[setting], run)
        if hyperparameters.get("input", "raw") not in input_variants:
            raise unknown_name("input", hyperparameters.get("input"), input_variants, f"run {name!r}")
        try:
            split_hyperparameters(hyperparameters, n_inputs=1, n_classes=2)
        except (ConfigError, TypeError, ValueError) as e:
            raise ConfigError(f"run {name!r} under {setting}: {e}") from None


def check_defaults(defaults: dict, settings: dict) -> None:
    """A hyperparameter default that an optimizer setting owns would never be used."""
    for setting, values in settings.items():
        owned = sorted(set(defaults) & set(values))
        if owned:
            raise ConfigError(f"defaults set {', '.join(owned)}, which optimizer setting {setting!r} owns "
                              f"({', '.join(f'{k}: {values[k]!r}' for k in owned)}): the setting always wins; "
                              "change the setting instead")


def mlp_settings(experiments: dict, mlp_config: dict) -> dict:
    """The optimizer settings, default settings and hyperparameter defaults of the experiments
    file, with the config's mlp section laid over them (a setting by name, a default by key)."""
    return {"settings": {**experiments["settings"], **mlp_config.get("settings", {})},
            "default_settings": mlp_config.get("default_settings", experiments["default_settings"]),
            "defaults": {**experiments["defaults"], **mlp_config.get("defaults", {})}}


def table_run(where: str, spec: str | dict, runs: dict[str, dict],
              mining_targets: dict[str, list[str]]) -> str | None:
    """A paper table's run, or None for a row on a pruning target this config does not have
    (fewer targets than the paper): the row stays in the table, not run."""
    if isinstance(spec, dict) and "input" in spec:
        method, _, number = split_input(spec["input"])
        if method in mining_targets and number and number.isdigit() and int(number) > len(mining_targets[method]):
            return None
    return resolve_run(where, spec, runs, mining_targets)


TIME_MEASURES = ("seconds_total", "seconds_per_epoch_median", "cpu_seconds_per_epoch_median",
                 "train_eval_seconds_median")


def job_subfolder(setting: str, run: str, seed: int) -> str:
    """Where one training job's files live under results/<name>/mlp."""
    return f"{setting}/{run}/seed{seed}"


def check_pairing(claim: dict, roles: dict[str, str], runs: dict[str, dict], defaults: dict) -> None:
    """Seeds pair two runs only when they start from the same weights: the same hidden layers on
    inputs of the same size (raw pixels, or k PCA features). A time is never paired: two jobs
    that shared a machine are not one measurement."""
    where = f"experiments {'hypothesis' if 'anomaly' in claim else 'claim'} {claim['id']!r}: pairing: paired"
    if claim["measure"] in TIME_MEASURES:
        raise ConfigError(f"{where}, but {claim['measure']} is a time, and the seeds of two timed jobs pair "
                          "nothing; declare pairing: unpaired")
    other = claim.get("minus", claim.get("relative_to"))
    first, second = (job_hyperparameters(defaults, {}, runs[roles[role]]) for role in (claim["of"], other))
    for key, same in (("hidden", first["hidden"] == second["hidden"]),
                      ("input", (first["input"] == "raw") == (second["input"] == "raw"))):
        if not same:
            raise ConfigError(f"{where}, but {claim['of']} and {other} differ in {key} ({first[key]} against "
                              f"{second[key]}): their seeds start from unrelated weights; declare pairing: unpaired")


def plan_matrix(experiments: dict, mlp: dict, mining_targets: dict[str, list[str]],
                input_variants: list[str]) -> Matrix:
    """Resolve and check an experiments file (already schema-validated) against the config.

    mlp : the config's ``mlp`` section after defaults are merged (settings, default_settings,
        defaults, seeds)
    mining_targets : {'mean_distance': [slugs], 'rmse': [slugs]} in the config's order
    input_variants : the training inputs the config provides ('raw', 'pca', 'rmse/<slug>', ...)
    """
    check_finite(experiments)
    check_defaults(mlp["defaults"], mlp["settings"])
    runs = expand_experiments(experiments, mining_targets)
    for name, run in runs.items():
        check_run(name, run, mlp["defaults"], mlp["settings"], mlp["default_settings"], input_variants)

    roles, seeds = resolve_roles(experiments, runs, mining_targets, mlp["seeds"])
    figures = {int(number): resolve_run(f"experiments figures.{number}", run, runs, mining_targets)
               for number, run in sorted(experiments["figures"].items(), key=lambda item: int(item[0]))}
    tables = {table: {row: table_run(f"experiments {table}.{row}", spec, runs, mining_targets)
                      for row, spec in experiments[table].items()}
              for table in TABLES}
    figure16 = figure16_runs(experiments, runs, roles, tables)
    figure18 = resolve_run("experiments figure18", roles.get(experiments["figure18"], experiments["figure18"]),
                           runs, mining_targets)
    claims, hypotheses = experiments.get("claims", []), experiments.get("hypotheses", [])
    check_claim_names(claims, hypotheses, runs, roles, mlp)
    return Matrix(runs, seeds, roles, figures, tables, figure16, figure18, claims,
                  experiments.get("comparisons", []), hypotheses)


def resolve_roles(experiments: dict, runs: dict, mining_targets: dict[str, list[str]],
                  config_seeds: list[int]) -> tuple[dict[str, str], dict[str, list[int]]]:
    """({role: run}, {run: seeds}): a run's own seeds, else those its roles ask for (their own,
    else the file's ``role_seeds``), else the config's."""
    roles, seeds = {}, {name: list(run["seeds"]) for name, run in runs.items() if "seeds" in run}
    role_seeds = {}
    for role, spec in experiments.get("roles", {}).items():
        roles[role] = resolve_run(f"experiments roles.{role}", spec, runs, mining_targets)
        asked = spec.get("seeds", experiments.get("role_seeds"))
        if asked is not None:
            role_seeds.setdefault(roles[role], set()).update(asked)
    for run, extra in role_seeds.items():
        seeds.setdefault(run, sorted(extra))
    for name in runs:
        seeds.setdefault(name, list(config_seeds))
    return roles, seeds


def figure16_runs(experiments: dict, runs: dict, roles: dict[str, str], tables: dict) -> list[str]:
    """The runs figure 16 draws: every run of the tables, roles and grids it names, once each."""
    figure16 = []
    grids = experiments.get("grids", {})
    for name in experiments.get("figure16", []):
        if name in tables:
            figure16 += [run for run in tables[name].values() if run is not None]
        elif name in roles:
            figure16.append(roles[name])
        elif name in grids:
            figure16 += [run for run in runs if run.startswith(f"{name}-")]
        else:
            raise unknown_name("role, table or grid", name, [*roles, *tables, *grids], "experiments figure16")
    return list(dict.fromkeys(figure16))


def check_claim_names(claims: list[dict], hypotheses: list[dict], runs: dict, roles: dict[str, str], mlp: dict) -> None:
    """Every name a claim or hypothesis uses exists (a claim names roles, a hypothesis roles or
    runs), its pairing holds, its settings are its run's, and every id is used once."""
    names = Matrix.names_of(runs, roles)
    for kind, judged, known in (("claim", claims, roles), ("hypothesis", hypotheses, names)):
        for item in judged:
            for key in ("of", "minus", "relative_to"):
                if key in item and item[key] not in known:
                    raise unknown_name("role" if kind == "claim" else "role or run", item[key], known,
                                       f"experiments {kind} {item['id']!r} {key}")
            if item.get("pairing") == "paired":
                check_pairing(item, known, runs, mlp["defaults"])
            for setting in item.get("settings", []):
                run = known[item["of"]]
                if setting not in runs[run].get("settings", mlp["default_settings"]):
                    raise ConfigError(f"experiments hypothesis {item['id']!r}: run {run!r} is not trained under "
                                      f"{setting!r}")
    for item in hypotheses:
        check_anomaly_facts(item, names)
    ids = [item["id"] for item in [*claims, *hypotheses]]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ConfigError(f"experiments claims and hypotheses: id {duplicated[0]!r} is used twice")


def check_anomaly_facts(hypothesis: dict, names: dict[str, str]) -> None:
    """Every {name} of a hypothesis's anomaly is one of its facts, and every fact names a role or
    run or a fact of the data (a setting its run is not trained under reads "not run")."""
    where = f"experiments hypothesis {hypothesis['id']!r}"
    facts = hypothesis.get("facts", {})
    for name in anomaly_placeholders(hypothesis["anomaly"]):
        if name not in facts:
            raise unknown_name("fact", name, list(facts), f"{where} anomaly")
    for name, fact in facts.items():
        if "fact" in fact:
            if fact["fact"] not in FACTS:
                raise unknown_name("fact of the data", fact["fact"], FACTS, f"{where} facts {name}")
            continue
        if fact["of"] not in names:
            raise unknown_name("role or run", fact["of"], names, f"{where} facts {name} of")


def anomaly_placeholders(text: str) -> list[str]:
    """The {name}s of an anomaly's text."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field]


def plan_matrix_of(experiments_file: str, experiments: dict, mlp_config: dict, mlp: dict,
                   mining_targets: dict[str, list[str]], input_variants: list[str]) -> Matrix:
    """``plan_matrix``, with a mistake blamed on the file it is in: the experiments file, or the
    config's mlp section laid over it (a default or setting that breaks a run the file alone plans)."""
    try:
        return plan_matrix(experiments, mlp, mining_targets, input_variants)
    except ConfigError as e:
        try:
            plan_matrix(experiments, {**mlp, **mlp_settings(experiments, {})}, mining_targets, input_variants)
        except ConfigError:
            raise ConfigError(f"{experiments_file}: {e}") from None
        overlaid = ", ".join(f"mlp.{key}" for key in ("settings", "default_settings", "defaults") if key in mlp_config)
        raise ConfigError(f"the config's {overlaid} (laid over {experiments_file}): {e}") from None
