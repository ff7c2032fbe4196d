"""Where our side of a comparison comes from: one class per kind of `ours` in the experiments
file, each parsed and checked once, when the workflow is parsed, and read when the report is made.

A kind is a frozen dataclass with the declaration's key that names it (``key``), the other keys
it takes (``companions``), ``parse`` (the declaration's dict, checked against the names the plan
knows) and ``values`` (per optimizer setting, ours and the fields its quantity text may name).
Defining the class registers it: a new kind of source is that class and its key in the
experiments schema's ``ours`` (docs/architecture.md shows one).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from leanmlp.exceptions import ConfigError
from leanmlp.nn.training import HISTORY_COLUMNS
from leanmlp.study.baselines import check_baseline_name
from leanmlp.study.claims import DERIVED_MEASURES, FACTS, per_seed, seed_summary
from leanmlp.study.costs import convolution_multiplications, network_macs
from leanmlp.study.matrix import close_names

if TYPE_CHECKING:
    from leanmlp.report.comparisons import ComparisonData
    from leanmlp.study.matrix import Matrix

# Columns of tables/mlp_jobs.csv a comparison may read.
JOB_MEASURES = ("final_train_acc", "final_train_running_acc", "final_valid_acc", "best_valid_acc", "test_acc_final",
                "test_acc_best_valid", "seconds_total", "seconds_per_epoch_median", "train_eval_seconds_median",
                "best_valid_loss_epoch", *DERIVED_MEASURES)
BASELINE_MEASURES = ("valid_acc", "test_acc", "fit_seconds")
# Facts of a training set (the memory table's), read for the set a role trains on (``variant_of``).
VARIANT_FACTS = ("training_set_mb", "training_data_mb", "share_of_raw")

# One source's value under one setting: (setting, ours, fields for the quantity's placeholders);
# setting "" for a value no optimizer changes.
Value = tuple[str, object, dict]


@dataclass(frozen=True)
class Names:
    """What a declaration may name: the runs, {role: run}, {table: {row: run}}, and {run: the
    input it trains on} ('raw', 'pca', 'mean_distance/fraction0.5', ...)."""

    runs: tuple[str, ...]
    roles: Mapping[str, str]
    tables: Mapping[str, Mapping] = None
    inputs: Mapping[str, str] = None

    @classmethod
    def of(cls, matrix: "Matrix") -> "Names":
        return cls(tuple(matrix.runs), matrix.roles, matrix.tables,
                   {run: overrides.get("input", "raw") for run, overrides in matrix.runs.items()})

    def trained_on(self, variant: str) -> list[str]:
        """The runs that train on one input variant, in the matrix's order."""
        return [run for run, used in (self.inputs or {}).items() if used == variant]

    def run(self, name: str, where: str) -> str:
        """The run of a role or run name; a ConfigError with the closest names if it is neither."""
        if name in self.roles:
            return self.roles[name]
        if name in self.runs:
            return name
        raise ConfigError(f"{where}: unknown role or run {name!r}{close_names(name, [*self.roles, *self.runs])}")


class Source:
    """A kind of `ours`. Subclasses are frozen dataclasses; defining one registers it."""

    key: ClassVar[str]
    companions: ClassVar[tuple[str, ...]] = ()
    kinds: ClassVar[dict[str, type["Source"]]] = {}

    def __init_subclass__(cls, **options: object) -> None:
        super().__init_subclass__(**options)
        if "key" in cls.__dict__:  # a kind names its key; a shared base of kinds does not
            Source.kinds[cls.key] = cls

    @classmethod
    def parse(cls, ours: Mapping, where: str, names: Names) -> "Source":
        raise NotImplementedError

    def values(self, data: "ComparisonData", kind: str) -> list[Value]:
        """Ours per setting; kind : the comparison's kind (a fact is said in words)."""
        raise NotImplementedError

    def history_run(self) -> str | None:
        """The run whose history.csv this source reads, if any."""
        return None


def parse_source(ours: Mapping, where: str, names: Names) -> Source:
    """The one kind of source a declaration's `ours` names, parsed and checked."""
    named = [cls for key, cls in Source.kinds.items() if key in ours]
    fitting = [cls for cls in named if set(ours) <= {cls.key, *cls.companions}]
    if len(fitting) != 1:
        keys = ", ".join(key for key in Source.kinds if key not in ("history",))
        got = ", ".join(cls.key for cls in named) or "none"
        raise ConfigError(f"{where}: ours names exactly one of {keys}; got {got}")
    return fitting[0].parse(ours, where, names)


def known(value: str, choices: Iterable[str], what: str, where: str) -> str:
    if value not in choices:
        raise ConfigError(f"{where}: {what} {value!r}{close_names(value, choices)}")
    return value


@dataclass(frozen=True)
class RunMeasure(Source):
    """A measure of a run's jobs (tables/mlp_jobs.csv), over its seeds, per setting. ``run`` is
    None for a table row of a target the config does not have: not run."""

    key: ClassVar[str] = "of"
    companions: ClassVar[tuple[str, ...]] = ("measure",)
    run: str | None
    measure: str

    @classmethod
    def parse(cls, ours: Mapping, where: str, names: Names) -> "RunMeasure":
        measure = known(ours.get("measure"), JOB_MEASURES, "ours.measure: unknown measure", where)
        run = None if ours["of"] is None else names.run(ours["of"], f"{where}: ours.of")
        return cls(run, measure)

    def values(self, data: "ComparisonData", kind: str) -> list[Value]:
        if self.run is None:
            return [("", None, {})]
        return [(setting, self.summary(data, setting, kind), self.fields(data, self.measure))
                for setting in data.run_settings[self.run]]

    def fields(self, data: "ComparisonData", measure: str) -> dict:
        found = data.jobs[data.jobs.run == self.run]
        return {"n_train": int(found.n_train.iloc[0]) if len(found) else None, "source": f"{self.run} {measure}"}

    def summary(self, data: "ComparisonData", setting: str, kind: str) -> dict:
        values, diverged = per_seed(data.jobs, setting, self.run, self.measure)
        if kind == "fact":  # a yes/no measure said in words
            return {"mean": divergence_text(diverged.astype(bool)), "n": len(diverged)}
        return {**seed_summary(values.dropna(), positive=kind == "ratio"), "diverged": int(diverged.sum()),
                "runs": len(diverged)}


@dataclass(frozen=True)
class RunHistory(Source):
    """One column of a run's learning curve (history.csv) after one epoch, over its seeds."""

    key: ClassVar[str] = "history"
    companions: ClassVar[tuple[str, ...]] = ("of", "epoch")
    run: str
    column: str
    epoch: int

    @classmethod
    def parse(cls, ours: Mapping, where: str, names: Names) -> "RunHistory":
        if "of" not in ours or "epoch" not in ours:
            raise ConfigError(f"{where}: ours.history needs `of` and `epoch`")
        column = known(ours["history"], HISTORY_COLUMNS, "ours.history: unknown column", where)
        return cls(names.run(ours["of"], f"{where}: ours.of"), column, ours["epoch"])

    def values(self, data: "ComparisonData", kind: str) -> list[Value]:
        fields = RunMeasure(self.run, self.column).fields(data, f"{self.column} after epoch {self.epoch}")
        return [(setting, self.summary(data, setting), fields) for setting in data.run_settings[self.run]]

    def summary(self, data: "ComparisonData", setting: str) -> dict:
        histories = data.histories.get((setting, self.run), [])
        values = [float(h.loc[h.epoch == self.epoch, self.column].iloc[0])
                  for h in histories if (h.epoch == self.epoch).any()]
        summary = {**seed_summary(values), "diverged": 0, "runs": len(values)}
        if histories and not values:  # trained, but not that far: say so rather than "not run"
            summary["short"] = f"its runs end at epoch {max(int(h.epoch.max()) for h in histories)}"
        return summary

    def history_run(self) -> str:
        return self.run


@dataclass(frozen=True)
class BaselineResult(Source):
    """A scikit-learn baseline's result (one fit, no optimizer setting)."""

    key: ClassVar[str] = "baseline"
    companions: ClassVar[tuple[str, ...]] = ("measure",)
    model: str
    measure: str

    @classmethod
    def parse(cls, ours: Mapping, where: str, names: Names) -> "BaselineResult":
        check_baseline_name(ours["baseline"])
        if ours.get("measure") not in BASELINE_MEASURES:
            raise ConfigError(f"{where}: a baseline's measure is one of {', '.join(BASELINE_MEASURES)}, got "
                              f"{ours.get('measure')!r}")
        return cls(ours["baseline"], ours["measure"])

    def values(self, data: "ComparisonData", kind: str) -> list[Value]:
        result = data.baselines.get(self.model)
        return [("", None if result is None else result[self.measure], {})]


@dataclass(frozen=True)
class DataFact(Source):
    """A fact of the data, PCA and memory summaries (exact); a training set's fact
    (VARIANT_FACTS) of the set a role trains on."""

    key: ClassVar[str] = "fact"
    companions: ClassVar[tuple[str, ...]] = ("variant_of",)
    fact: str
    variant_of: str | None = None

    @classmethod
    def parse(cls, ours: Mapping, where: str, names: Names) -> "DataFact":
        fact = known(ours["fact"], FACTS + VARIANT_FACTS, "ours.fact: unknown fact", where)
        if (fact in VARIANT_FACTS) != ("variant_of" in ours):
            raise ConfigError(f"{where}: the facts {', '.join(VARIANT_FACTS)} (and only they) need `variant_of`")
        run = names.run(ours["variant_of"], f"{where}: ours.variant_of") if "variant_of" in ours else None
        return cls(fact, run)

    def values(self, data: "ComparisonData", kind: str) -> list[Value]:
        value = data.facts[self.fact]
        if self.variant_of is not None:
            value = value.get(data.run_inputs[self.variant_of])
        return [("", value, {})]


@dataclass(frozen=True)
class ComputedCount(Source):
    """A count computed from declared sizes (``count`` of the declaration's mapping), the same
    on any data; a subclass names its key and its count."""

    count: ClassVar[Callable[..., int]]
    shape: Mapping

    @classmethod
    def parse(cls, ours: Mapping, where: str, names: Names) -> "ComputedCount":
        return cls(dict(ours[cls.key]))

    def values(self, data: "ComparisonData", kind: str) -> list[Value]:
        return [("", type(self).count(**self.shape), {})]


@dataclass(frozen=True)
class NetworkMacs(ComputedCount):
    """Multiply-accumulates of one forward pass of a network of declared sizes."""

    key: ClassVar[str] = "macs"
    count = staticmethod(network_macs)


@dataclass(frozen=True)
class ConvolutionCount(ComputedCount):
    """Multiplications of one convolution layer of declared sizes."""

    key: ClassVar[str] = "convolution"
    count = staticmethod(convolution_multiplications)


def divergence_text(flags: "Iterable[bool]") -> str | None:
    """'diverges', 'trains' or 'diverges in 1 of 3 seeds'; None without seeds."""
    flags = list(flags)
    if not flags:
        return None
    if all(flags):
        return "diverges"
    return "trains" if not any(flags) else f"diverges in {sum(flags)} of {len(flags)} seeds"
