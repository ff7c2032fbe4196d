"""The workflow's plan: everything the rules need to know about one config, built once by
``build_plan`` from the validated config and experiments file: the results folder, the input
variants, the experiment matrix and its jobs, the comparisons, the figures, quick mode, and
the paths every stage agrees on. The Snakefile reads it; nothing here knows Snakemake."""

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from leanmlp.data.download import archive_place
from leanmlp.data.emnist import emnist_file_names
from leanmlp.data.sources import comparable_with_paper, source_kind
from leanmlp.data.splits import SPLIT_NAMES
from leanmlp.exceptions import ConfigError
from leanmlp.mining.pruning import target_slug
from leanmlp.mining.random_control import RANDOM_CONTROL, draw_method
from leanmlp.mining.selection import controllers, method_slugs, method_targets
from leanmlp.nn.fitting import describe_run
from leanmlp.nn.training import TRAIN_CURVE_SAMPLE
from leanmlp.report.comparisons import Comparison, expand_comparisons, history_runs
from leanmlp.report.figures import CurveFigure, CurveSeries
from leanmlp.report.reproduction import ReportPlan
from leanmlp.report.sources import Names
from leanmlp.study.claims import Claim
from leanmlp.study.configuration import baseline_models, yaml_error_line
from leanmlp.study.declarations import check_judged, check_settings
from leanmlp.study.matrix import Matrix, job_hyperparameters, job_subfolder, mlp_settings, plan_matrix_of, variant_runs

REFERENCE_FILE = "config/paper_reference.yaml"
# The figures the pipeline draws itself, beside the paper's 1-11 the experiments file declares.
PIPELINE_FIGURES = (0, 12, 13, 14, 15, 16, 17, 18)
# What one training job writes into its folder (the train_mlp rule's outputs).
TRAINING_FILES = ("history.csv", "model.npz", "predictions.npz", "metrics.json")

# Figures 14 and 15 (the score_figure rule), by file name, with the pruning method each shows.
SCORE_FIGURES = {
    "fig14_distance_from_class_mean": {
        "method": "mean_distance",
        "title": "Figure 14: distance from the class mean",
        "ylabel": "distance to the class mean (0..255 pixel scale)",
    },
    "fig15_pca_reconstruction_rmse": {
        "method": "rmse",
        "title": "Figure 15: PCA reconstruction RMSE after the mean-distance cut",
        "ylabel": "PCA reconstruction RMSE (0..255 pixel scale)",
    },
}
# Figures 12 and 13, one job each.
MINING_FIGURE_NAMES = ("fig12_pca_explained_variance", "fig13_class_mean_extremes")

# A training holds its float32 weights about five times over (parameters, gradients, Adam's two
# moments, the best epoch's copy), plus a batch's activations: the most it can need beyond its data.
WEIGHT_COPIES = 5
FLOAT32_BYTES = 4


def network_memory_mb(hyperparameters: dict, n_inputs: int) -> float:
    """MB a training of these hyperparameters needs for its network (weights and one batch's
    activations), beyond its data; n_inputs: a lower bound is enough to refuse what cannot fit."""
    sizes = [n_inputs, *hyperparameters["hidden"]]
    weights = sum(a * b + b for a, b in zip(sizes, sizes[1:], strict=False))
    activations = 2 * hyperparameters["batch_size"] * sum(sizes)
    return FLOAT32_BYTES * (WEIGHT_COPIES * weights + activations) / 1e6


def machine_memory_mb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e6


# A cluster job's time limit: a training epoch of 100,000 x 784 takes about 2 s on one core;
# the limit allows twice that, plus a fixed margin for loading and saving.
SECONDS_PER_EPOCH = 2
RUNTIME_SAFETY_FACTOR = 2
RUNTIME_MARGIN_MINUTES = 10
# EMNIST's pixels: the most inputs a network can have, and what a raw-input network has.
MAX_INPUTS = 784
# Every other input variant is a PCA projection; the paper's keeps a tenth of the pixels.
PCA_INPUT_SHARE = 0.1


def training_cost(hyperparameters: dict) -> int:
    """A training job's relative cost, to start the longest first (Snakemake's priority: with
    the short ones last, no core idles long at the end while one long job finishes): epochs
    times the forward multiply-accumulates of one image, with the raw pixels or a PCA tenth of
    them as inputs."""
    n_inputs = MAX_INPUTS if hyperparameters["input"] == "raw" else int(MAX_INPUTS * PCA_INPUT_SHARE)
    sizes = [n_inputs, *hyperparameters["hidden"]]
    return hyperparameters["epochs"] * sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))


def file_safe(text: str) -> str:
    """A run name as a file name: every run of other characters becomes one underscore."""
    return re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def quick_config(config: dict) -> dict:
    """The config of quick mode: its own results folder, the config's epochs and baseline
    sample size (a smoke-test scale of the same matrix, which never mixes with a full run)."""
    quick = copy.deepcopy(config)
    quick["name"] += "_quick"
    quick["baselines"]["train_size"] = config["quick"]["baseline_train_size"]
    return quick


def input_variants(mining: dict) -> list[str]:
    """Every training input: raw pixels, PCA-k on the full train set, and each selected set
    (a random one stands for one draw per training seed; see ``Plan.variant_files``)."""
    return ["raw", "pca"] + [f"{method}/{slug}" for method, slugs in method_slugs(mining).items() for slug in slugs]


@dataclass
class Plan:
    """One config's plan. See ``build_plan``. The fields after ``notes`` are computed from the
    others once, when the plan is made."""

    config: dict  # the effective config (quick mode applied)
    experiments_file: str
    matrix: Matrix
    mlp: dict  # the config's mlp section with the experiments file's settings and defaults
    notes: list = field(default_factory=list)  # what the terminal should be told once
    reference: dict | None = None  # config/paper_reference.yaml, read by the caller (else from here)
    results: str = field(init=False)  # the run's results folder
    data: dict = field(init=False)
    source_kind: str = field(init=False)  # url, digits, zip or directory
    mining: dict = field(init=False)
    slugs: dict[str, list[str]] = field(init=False)  # {selection method: its target slugs}
    targets: dict = field(init=False)
    input_variants: list[str] = field(init=False)
    baselines: dict = field(init=False)
    baseline_models: list[str] = field(init=False)
    runs: dict[str, dict] = field(init=False)
    roles: dict[str, str] = field(init=False)
    settings: list[str] = field(init=False)  # the default settings, which the tables compare
    record_run: str | None = field(init=False)  # the paper's stated optimizer's run, if declared
    jobs: list[tuple[str, str]] = field(init=False)  # every (setting, run), trained once per seed
    run_inputs: dict[str, str] = field(init=False)
    draws: dict[str, list[int]] = field(init=False)  # the random control's draws per variant
    el2n_scoring: dict = field(init=False)
    selection_runs: dict = field(init=False)
    selection_jobs: list[tuple[str, str]] = field(init=False)
    comparisons: list[Comparison] = field(init=False)
    histories: list[dict] = field(init=False)
    claims: tuple[Claim, ...] = field(init=False)
    hypotheses: tuple[Claim, ...] = field(init=False)
    curves: dict[str, CurveFigure] = field(init=False)

    def __post_init__(self):
        """Everything the rules read more than once, computed here once."""
        self.results = f"results/{self.config['name']}"
        self.data = self.config["data"]
        self.source_kind = source_kind(self.data["source"])
        self.mining = self.config["mining"]
        self.slugs = method_slugs(self.mining)
        self.targets = method_targets(self.mining)
        self.input_variants = input_variants(self.mining)
        self.baselines = self.config["baselines"]
        self.baseline_models = baseline_models(self.baselines)
        self.runs, self.roles = self.matrix.runs, self.matrix.roles
        self.settings = self.mlp["default_settings"]  # the tables compare the default settings
        self.record_run = self.roles.get("record")
        # every training job as (setting, run); each is trained once per seed of its run
        self.jobs = [(setting, run) for run in self.runs for setting in self.run_settings(run)]
        self.run_inputs = {run: self.hyperparameters_of(self.run_settings(run)[0], run)["input"] for run in self.runs}
        # the draws of every random input: one per seed of the runs that train on it
        self.draws = {variant: sorted({seed for run, used in self.run_inputs.items() if used == variant
                                       for seed in self.matrix.seeds[run]}) or [0]
                      for variant in self.input_variants if variant.startswith(f"{RANDOM_CONTROL}/")}
        self.el2n_scoring = self.el2n_scoring_hyperparameters()
        self.selection_runs = self.runs_on_selected_sets()
        # figure 18's jobs: its network on the full set and on every selected set, every setting
        self.selection_jobs = [(setting, run) for setting, run in self.jobs
                               if run in self.selection_runs or run == self.matrix.figure18]
        try:
            reference = self.reference if self.reference is not None else \
                yaml.safe_load(Path(REFERENCE_FILE).read_text())
            self.comparisons = expand_comparisons(self.matrix.comparisons, reference, Names.of(self.matrix))
        except ConfigError as e:
            raise ConfigError(f"{self.experiments_file}: {e}") from None
        self.histories = self.compared_histories()
        self.claims, self.hypotheses = self.judged_declarations()
        self.curves = self.curve_figures()
        self.check_declarations()
        self.check_local_source()

    def check_local_source(self) -> None:
        """A local data.source must hold what the convert stage reads, or the run stops before any
        job with a line naming what is missing (not Snakemake's "Missing input files")."""
        source = Path(self.data["source"])
        if self.source_kind == "zip" and not source.is_file():
            raise ConfigError(f"data.source {source}: no such file")
        if self.source_kind != "directory":
            return
        if not source.is_dir():
            link = " (a symbolic link that leads nowhere, or back to itself)" if source.is_symlink() else ""
            raise ConfigError(f"data.source {source}: no such folder{link}")
        for part in self.data["parts"]:
            missing = [Path(name).name for name in self.convert_inputs(part) if not Path(name).is_file()]
            if missing:
                held = len([child for child in source.iterdir() if child.is_file()])
                raise ConfigError(f"data.source {source} has no {missing[0]} (EMNIST {self.data['split']}, part "
                                  f"{part}; the folder holds {held} files): copy NIST's idx .gz files there")

    def check_declarations(self) -> None:
        """What the config and experiments file alone show to be wrong, before any job."""
        where = self.experiments_file
        check_settings(self.mlp["settings"], self.mlp["default_settings"])
        taken = sorted(set(self.matrix.figures) & set(PIPELINE_FIGURES))
        if taken:
            raise ConfigError(f"{where}: figures.{taken[0]} is a figure the pipeline draws itself (figures "
                              f"{', '.join(map(str, PIPELINE_FIGURES))}); number the paper's figures 1-11")
        available = machine_memory_mb()
        for setting, run in self.jobs:
            hyperparameters = self.hyperparameters_of(setting, run)
            needs = network_memory_mb(hyperparameters, n_inputs=1)
            if needs > available:
                raise ConfigError(f"run {run!r} under {setting}: its network (hidden {hyperparameters['hidden']}) "
                                  f"needs about {needs / 1e3:,.0f} GB to train, more than this machine's "
                                  f"{available / 1e3:,.0f} GB")
        train_size = self.data["sizes"]["train"]
        if isinstance(train_size, int):  # a count: say now which trainings will refuse their batch size
            too_big = sorted({run for setting, run in self.jobs
                              if self.hyperparameters_of(setting, run)["batch_size"] > train_size})
            if too_big:
                self.notes.append(f"batch_size is above the {train_size} training images of data.sizes.train in "
                                  f"{len(too_big)} runs ({too_big[0]}, ...): their training jobs will refuse it; "
                                  "the stages before training run")
        names = self.matrix.names()
        for kind, declarations in (("claim", self.matrix.claims), ("hypothesis", self.matrix.hypotheses)):
            for judged in declarations:
                check_judged(f"{where}: {kind} {judged['id']!r}", judged, names, self.matrix.seeds)
                model = judged.get("minus_baseline", {}).get("model")
                if model is not None and model not in self.baseline_models:
                    raise ConfigError(f"{where}: {judged['id']!r} minus_baseline names {model!r}, which this "
                                      f"config's baselines.models do not fit ({', '.join(self.baseline_models)})")

    # --- data ---
    def downloaded_archive(self) -> str:
        """Where the download stage puts the archive of a URL source (see archive_place)."""
        return archive_place(self.data["source"], self.data["md5"])

    def local_source(self) -> str:
        """The file or folder the convert stage reads: the download for a URL, else the source."""
        return self.downloaded_archive() if self.source_kind == "url" else self.data["source"]

    def convert_inputs(self, part: str) -> list[str]:
        """Exactly the files one partition needs, so Snakemake notices any of them changing."""
        if self.source_kind == "digits":
            return []
        if self.source_kind == "directory":
            names = emnist_file_names(self.data["split"], part).values()
            return [str(Path(self.data["source"], name)) for name in names]
        return [self.local_source()]

    def split_files(self, folder: str) -> dict[str, str]:
        """{train, valid, test} -> their .npz under the results folder's ``folder``."""
        return {split: f"{self.results}/{folder}/{split}.npz" for split in SPLIT_NAMES}

    # --- mining ---
    def target_slugs(self, method: str) -> list[str]:
        return self.slugs[method]

    def pruning_target(self, method: str, target: str) -> dict:
        """The target dict of a prune job, found by its slug."""
        return {target_slug(t): t for t in self.targets[method]}[target]

    def kept_files(self, method: str) -> list[str]:
        """The kept-indices file of every target of a scored method, in target order."""
        return [f"{self.results}/mining/{method}/kept/{slug}.npz" for slug in self.target_slugs(method)]

    def quotas_of(self, target: str) -> str:
        """The method whose kept set of ``target`` gives the random set its class quotas: the first
        it controls with that target (the others keep the same quotas; see ``check_controls``)."""
        return controllers(self.mining, target)[0]

    def variant_files(self, variant: str, seed: int | None = None) -> dict[str, str]:
        """The train/valid/test files of an input variant (see ``input_variants``); a random
        variant's are those of the draw of training seed ``seed`` (None: its first draw)."""
        method, _, target = variant.partition("/")
        if method == RANDOM_CONTROL:
            return self.split_files(f"mining/{draw_method(self.draws[variant][0] if seed is None else seed)}/{target}")
        return self.split_files("data" if variant == "raw" else f"mining/{variant}")

    def runs_on_selected_sets(self) -> dict[str, str]:
        """{run: its selected input} of every run that trains figure 18's network on a selected
        set, method by method in target order."""
        return {run: self.run_inputs[run] for method, slugs in self.slugs.items()
                for run in variant_runs(self.runs, self.matrix.figure18, method, slugs)}

    def el2n_scoring_hyperparameters(self) -> dict:
        """The EL2N scoring network: mining.el2n.scoring's run (or role) under its setting, for its
        epochs, on raw pixels or PCA features of the full training set."""
        scoring = self.mining["el2n"]["scoring"]
        where = "mining.el2n.scoring"
        run = self.matrix.names().get(scoring["model_of"])
        if run is None:
            raise ConfigError(f"{where}.model_of names {scoring['model_of']!r}, which is no run or role of "
                              f"{self.experiments_file}")
        if scoring["setting"] not in self.mlp["settings"]:
            raise ConfigError(f"{where}.setting names {scoring['setting']!r}; the settings are "
                              f"{', '.join(self.mlp['settings'])}")
        hyperparameters = {**self.hyperparameters_of(scoring["setting"], run), "epochs": scoring["epochs"]}
        if hyperparameters["input"] not in ("raw", "pca"):
            raise ConfigError(f"{where}.model_of {scoring['model_of']!r} trains on {hyperparameters['input']}; "
                              "the scores are of the full training set: name a run on raw or pca input")
        return hyperparameters

    def el2n_scoring_files(self) -> list[str]:
        seeds = self.mining["el2n"]["scoring"]["seeds"]
        return [f"{self.results}/mining/el2n/scoring/seed{seed}.npz" for seed in seeds]

    @property
    def mining_figures(self) -> list[str]:
        return [f"{self.results}/figures/{name}.png" for name in (*MINING_FIGURE_NAMES, *SCORE_FIGURES)]

    # --- training ---
    def run_settings(self, run: str) -> list[str]:
        return self.matrix.settings_of(run, self.settings)

    def hyperparameters_of(self, setting: str, run: str) -> dict:
        return job_hyperparameters(self.mlp["defaults"], self.mlp["settings"][setting], self.runs[run])

    def job_folders(self, jobs: list[tuple[str, str]] | None = None) -> list[str]:
        """results/<name>/mlp/<setting>/<run>/seed<k> of every (setting, run) job and its seeds."""
        return [f"{self.results}/mlp/{job_subfolder(setting, run, seed)}"
                for setting, run in (self.jobs if jobs is None else jobs) for seed in self.matrix.seeds[run]]

    def job_keys(self) -> list[tuple[str, str, int]]:
        """(setting, run, seed) of every training job, in the order of ``job_folders``."""
        return [(setting, run, seed) for setting, run in self.jobs for seed in self.matrix.seeds[run]]

    def job_outputs(self, filename: str, jobs: list[tuple[str, str]] | None = None) -> list[str]:
        """The file ``filename`` of every (setting, run) job and seed."""
        return [f"{folder}/{filename}" for folder in self.job_folders(jobs)]

    def network_mb(self, setting: str, run: str) -> int:
        """What a training job's network adds to the memory its data takes (784 inputs at most:
        EMNIST's pixels)."""
        return int(network_memory_mb(self.hyperparameters_of(setting, run), n_inputs=MAX_INPUTS))

    def training_runtime(self, setting: str, run: str) -> int:
        """Minutes a cluster should allow one training job (see SECONDS_PER_EPOCH)."""
        return self.training_runtime_of(self.hyperparameters_of(setting, run))

    def training_priority(self, setting: str, run: str) -> int:
        return training_cost(self.hyperparameters_of(setting, run))

    @property
    def train_curve_sample(self) -> int:
        """Training images a learning curve's train accuracy is measured on after every epoch."""
        return self.mlp.get("train_curve_sample", TRAIN_CURVE_SAMPLE)

    @staticmethod
    def training_runtime_of(hyperparameters: dict) -> int:
        return RUNTIME_MARGIN_MINUTES + int(hyperparameters["epochs"] * SECONDS_PER_EPOCH * RUNTIME_SAFETY_FACTOR / 60)

    # --- report ---
    def judged_declarations(self) -> tuple[tuple[Claim, ...], tuple[Claim, ...]]:
        """The claims and the hypotheses, parsed; a hypothesis is judged under the settings it
        names, else under every setting of its run."""
        names = self.matrix.names()
        claims = tuple(Claim.parse(declaration) for declaration in self.matrix.claims)
        hypotheses = tuple(Claim.parse({**h, "settings": h.get("settings", self.run_settings(names[h["of"]]))})
                           for h in self.matrix.hypotheses)
        return claims, hypotheses

    @property
    def report_plan(self) -> ReportPlan:
        """What the report rule is told: every declaration it reads, parsed."""
        return ReportPlan(
            name=self.config["name"], data=self.data, settings=tuple(self.settings), roles=self.roles,
            run_settings={run: tuple(self.run_settings(run)) for run in self.runs}, run_inputs=self.run_inputs,
            run_seeds={run: tuple(seeds) for run, seeds in self.matrix.seeds.items()},
            comparisons=tuple(self.comparisons), claims=self.claims, hypotheses=self.hypotheses,
            record_settings=tuple(self.run_settings(self.record_run)) if self.record_run else (),
            comparable=self.comparable, seeds=tuple(self.mlp["seeds"]), epochs=self.mlp["defaults"]["epochs"],
            train_curve_sample=self.train_curve_sample, quick=self.config.get("quick"))

    def compared_histories(self) -> list[dict]:
        """The learning curves the comparisons read an epoch of: [{setting, run, seed, path}]."""
        return [{"setting": setting, "run": run, "seed": seed,
                 "path": f"{self.results}/mlp/{setting}/{run}/seed{seed}/history.csv"}
                for run in history_runs(self.comparisons)
                for setting in self.run_settings(run) for seed in self.matrix.seeds[run]]

    def curve_series(self, pairs: list[tuple[str, str]]) -> tuple[CurveSeries, ...]:
        """The series of the (setting, run) pairs a learning-curve figure draws."""
        return tuple(CurveSeries(s, r, tuple(self.matrix.seeds[r])) for s, r in pairs)

    def curve_figure(self, title: str, label: str, shows: str, pairs: list[tuple[str, str]],
                     majority: bool) -> CurveFigure:
        dropout = any(self.hyperparameters_of(*pair)["dropout_keep"] is not None for pair in pairs)
        return CurveFigure(title, label, shows, self.curve_series(pairs), majority, dropout)

    def curve_figures(self) -> dict[str, CurveFigure]:
        """Figures 1-11 (the paper's runs, under every setting) and 17 (the record run beside the
        best raw model under the default settings), by file name."""
        figures = {}
        for number, run in self.matrix.figures.items():
            pairs = [(setting, run) for setting in self.run_settings(run)]
            model = describe_run(self.hyperparameters_of(*pairs[0]))
            figures[f"fig{number:02d}_{file_safe(run)}"] = self.curve_figure(
                f"Figure {number}: {model} (run {run})", f"Figure {number:02d}", model, pairs, majority=False)
        if self.record_run is not None and "best_raw" in self.roles:
            record, same_model = self.record_run, self.roles["best_raw"]
            pairs = ([(s, record) for s in self.run_settings(record)]
                     + [(s, same_model) for s in self.run_settings(same_model)])
            title = (f"Figure 17: {describe_run(self.hyperparameters_of(*pairs[0]))} under the paper's stated "
                     f"optimizer ({', '.join(self.run_settings(record))}, run {record}) and under "
                     f"{', '.join(self.run_settings(same_model))} (run {same_model})")
            figures[f"fig17_{file_safe(record)}"] = self.curve_figure(
                title, "Figure 17", "the paper's stated optimizer, Adam at lr 0.1", pairs, majority=True)
        return figures

    def curve_histories(self, curve: str) -> list[str]:
        """The history.csv of every seed a learning-curve figure draws, in series order."""
        return [f"{self.results}/mlp/{series.setting}/{series.run}/seed{seed}/history.csv"
                for series in self.curves[curve].series for seed in series.seeds]

    @property
    def comparable(self) -> bool:
        """Whether this run's numbers can be set beside the paper's (see comparable_with_paper)."""
        return comparable_with_paper(self.data["source"], self.data["split"])

    @property
    def curve_files(self) -> list[str]:
        return [f"{self.results}/figures/{name}.png" for name in self.curves]

    @property
    def figures(self) -> list[str]:
        """Every figure of the run, by name (so by number): the one list the figures rule and
        the report rule both read."""
        return sorted([f"{self.results}/figures/fig00_paper_vs_ours.png", *self.curve_files, *self.mining_figures,
                       f"{self.results}/figures/fig16_memory_vs_accuracy.png", self.selection_figure])

    @property
    def selection_figure(self) -> str:
        return f"{self.results}/figures/fig18_selection_against_random.png"


def flattened(tree: object, prefix: str = "") -> dict[str, object]:
    """{dotted key: value} of every leaf of nested mappings ('mlp.defaults.epochs': 20)."""
    if not isinstance(tree, dict) or not tree:
        return {prefix: tree}
    return {key: value for name, branch in tree.items()
            for key, value in flattened(branch, f"{prefix}.{name}" if prefix else str(name)).items()}


def config_change_note(previous_file: str | Path, config: dict, shown: int = 3) -> str | None:
    """A warning when the results folder was made by another config (its recorded
    ``config.yaml``): the jobs it changes would be redone in place, replacing those results."""
    try:
        previous = yaml.safe_load(Path(previous_file).read_text())
    except (OSError, yaml.YAMLError):
        return None  # a first run, or a record the effective_config job will rewrite
    before, now = flattened(previous), flattened(config)
    changed = [key for key in sorted(set(before) | set(now)) if before.get(key) != now.get(key)]
    if not changed:
        return None
    listed = "; ".join(f"{key}: {before.get(key, 'unset')} -> {now.get(key, 'unset')}" for key in changed[:shown])
    more = f" and {len(changed) - shown} more" if len(changed) > shown else ""
    return (f"results/{config['name']} was made by another config ({listed}{more}): the jobs this changes are "
            f"redone there and replace its results; to keep both, give this config a name of its own")


def is_snakemake(argv: list[str]) -> bool:
    """A command line that runs Snakemake itself (``snakemake ...``, ``python -m snakemake ...``),
    not one of its job scripts (``python .snakemake/scripts/tmpX.py``)."""
    return bool(argv) and (Path(argv[0]).name == "snakemake"
                           or any(a == "-m" and b == "snakemake" for a, b in zip(argv, argv[1:], strict=False)))


def live_snakemake_runs(workdir: str | Path, proc: Path = Path("/proc")) -> list[int]:
    """The process ids of other Snakemake runs working in ``workdir`` (Linux's /proc; elsewhere
    none): a second run must hear that one is alive before Snakemake tells it to --unlock."""
    workdir, own = Path(workdir).resolve(), {os.getpid(), os.getppid()}
    found = []
    for entry in proc.glob("[0-9]*"):
        try:
            argv = [a for a in (entry / "cmdline").read_bytes().decode(errors="replace").split("\0") if a]
            if int(entry.name) not in own and is_snakemake(argv) and (entry / "cwd").resolve() == workdir:
                found.append(int(entry.name))
        except OSError:  # gone, or another user's
            continue
    return sorted(found)


def live_run_note(workdir: str | Path) -> str | None:
    """A warning when another Snakemake run holds this folder's locks and is alive."""
    locks = Path(workdir, ".snakemake", "locks")
    if not (locks.is_dir() and any(locks.iterdir())):
        return None
    pids = live_snakemake_runs(workdir)
    if not pids:
        return None
    return (f"another Snakemake run is working in this folder (process {', '.join(map(str, pids))}): wait for it "
            "to end before starting one here, and do not --unlock while it runs (that would let two runs write the "
            "same files)")


def load_experiments(config: dict) -> tuple[str, dict]:
    """The experiments file the config names, read (a missing file is one ConfigError)."""
    path = config["mlp"]["experiments"]
    if not Path(path).is_file():
        raise ConfigError(f"mlp.experiments: no file {path}")
    try:
        experiments = yaml.safe_load(Path(path).read_text())
    except yaml.YAMLError as e:
        raise ConfigError(f"{path} is not valid YAML ({yaml_error_line(e)})") from None
    if not isinstance(experiments, dict):
        raise ConfigError(f"{path} is {'empty' if experiments is None else 'not a mapping of sections'}: it "
                          "declares settings, defaults, runs, figures and tables (see config/experiments/paper.yaml)")
    return path, experiments


def build_plan(config: dict, experiments_file: str, experiments: dict, reference: dict | None = None) -> Plan:
    """The plan of a validated config and experiments file (see ``Plan``). Raises ConfigError
    for what only the whole plan reveals: a run the matrix cannot build, a comparison naming
    what does not exist. reference : the paper's numbers (config/paper_reference.yaml), else
    read from the working directory."""
    mlp = {**config["mlp"], **mlp_settings(experiments, config["mlp"])}
    quick = config.get("quick")
    if quick:
        config = quick_config(config)
        mlp["defaults"]["epochs"] = quick["epochs"]
    matrix = plan_matrix_of(experiments_file, experiments, config["mlp"], mlp, method_slugs(config["mining"]),
                            input_variants(config["mining"]))
    notes = []
    if quick:
        seeds = quick.get("seeds_per_run")
        if seeds:
            matrix.seeds = {run: run_seeds[:seeds] for run, run_seeds in matrix.seeds.items()}
        notes.append(f"quick mode: {plural(quick['epochs'], 'epoch')} per run"
                     + (f", only its first {plural(seeds, 'seed')}" if seeds else "")
                     + f", baselines on {quick['baseline_train_size']} images; results in results/{config['name']}")
    return Plan(config, experiments_file, matrix, mlp, notes, reference)
