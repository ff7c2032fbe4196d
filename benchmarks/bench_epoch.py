"""Seconds per training epoch: leanmlp against PyTorch (CPU) and scikit-learn, in one process.

The paper's best model (3 x 128 ReLU, dropout keep 0.75 after hidden layers 1 and 2, L1 1e-5,
Adam, batch 100) on 100,000 real EMNIST images from ../shared/data/emnist, once on the 784
pixels and once on their first 78 principal components. Frameworks run interleaved, one
epoch each in turn, with the same BLAS/OpenMP thread count; the table shows medians of the
epochs after the first.

    python benchmarks/bench_epoch.py --epochs 5 --threads 1 --out bench.json

PyTorch runs with its default Adam, with ``fused=True`` (the fastest Adam a careful CPU user
would switch on) and, with ``--compile``, also through ``torch.compile``, each with its ratio.
scikit-learn's MLPClassifier has neither dropout nor an L1 penalty: it trains the same
architecture with Adam and no regularisation.

Beside seconds per epoch it prints, measured, where leanmlp's epoch goes (matrix products,
activations and dropout, loss, penalty, optimizer update, batch gathering, the rest), and the
cost of the evaluation-mode pass over the training split that every epoch of the pipeline adds.
With ``--aged`` it first times one Adam step on the 784-input model's 139,567 parameters with an
aged state: a share of the second moments (0%, 10%, 30%, 60%) decayed into float32's subnormal
range, as they do after ~80 epochs for parameters whose gradient became zero. leanmlp's Adam
holds zeros there (its flush, ``leanmlp.nn.learning_rules.SubnormalFlush``); the same step on the
unflushed subnormal state shows what the flush saves, and PyTorch runs on that state with and
without ``torch.set_flush_denormal``. Intel cores pay for subnormals, AMD's hardly.

The last printed line is the 784-input ratio leanmlp / PyTorch.
"""

import argparse
import collections
import json
import math
import statistics
import time
import tracemalloc
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from leanmlp.data.emnist import load_emnist_part
from leanmlp.data.splits import resolve_sizes, split_indices
from leanmlp.deploy.estimator import MLPClassifier as LeanMLPClassifier
from leanmlp.mining.pca import fit_pca
from leanmlp.nn.data_providers import PIXEL_SCALE, BatchProvider, as_features, scale_pixels
from leanmlp.nn.fitting import fit_network, split_hyperparameters
from leanmlp.nn.layers import AffineLayer, DropoutLayer
from leanmlp.nn.learning_rules import Adam
from leanmlp.nn.models import MLP, MLPSpec
from leanmlp.nn.training import evaluate, train_epoch
from leanmlp.provenance import cpu_model
from leanmlp.seeding import stage_rng

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "emnist"
HIDDEN, KEEP, L1, LR, BATCH = (128, 128, 128), 0.75, 1e-5, 1e-3, 100


@dataclass(frozen=True)
class BenchData:
    """What every runner trains and validates on."""

    train_x: np.ndarray
    train_y: np.ndarray
    valid_x: np.ndarray
    valid_y: np.ndarray
    n_classes: int

    def transformed(self, transform):
        """The same images through ``transform`` (the PCA projection)."""
        return replace(self, train_x=transform(self.train_x), valid_x=transform(self.valid_x))


def load_data(seed):
    """The pipeline's split of the ByMerge partition: 100,000 train / 8,161 valid."""
    data = load_emnist_part(SHARED, "bymerge", "test")
    counts = resolve_sizes({"train": 100000, "valid": 8161, "test": 8162}, len(data.labels))
    index = split_indices(len(data.labels), counts, stage_rng(seed, "split"))
    flat = data.images.reshape(len(data.labels), -1)
    return BenchData(flat[index["train"]], data.labels[index["train"]],
                     flat[index["valid"]], data.labels[index["valid"]], len(data.characters))


class LeanRunner:
    name = "leanmlp"

    def __init__(self, data, seed):
        spec = MLPSpec(data.train_x.shape[1], data.n_classes, HIDDEN, "relu", KEEP, (1, 2), l1=L1)
        self.model = MLP(spec, np.random.default_rng(seed))
        self.rule = Adam(self.model.params, LR)
        self.provider = BatchProvider(data.train_x, data.train_y, BATCH, np.random.default_rng(seed + 1))
        self.valid = (data.valid_x, data.valid_y)

    def epoch(self):
        train_epoch(self.model, self.rule, self.provider)

    def valid_accuracy(self):
        return evaluate(self.model, *self.valid)[1]

    def train_evaluation(self):
        """The pipeline's per-epoch pass in evaluation mode over the whole training split."""
        evaluate(self.model, self.provider.inputs, self.provider.labels)


class TorchRunner:
    name = "pytorch"
    fused = False

    def __init__(self, data, seed):
        import torch

        train_x, train_y, valid_x, valid_y = data.train_x, data.train_y, data.valid_x, data.valid_y
        n_classes = data.n_classes
        self.torch = torch
        torch.manual_seed(seed)
        sizes = (train_x.shape[1], *HIDDEN)
        layers = []
        for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
            layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
            if index in (1, 2):
                layers.append(torch.nn.Dropout(1 - KEEP))
        self.net = torch.nn.Sequential(*layers, torch.nn.Linear(HIDDEN[-1], n_classes))
        self.weights = [p for name, p in self.net.named_parameters() if name.endswith("weight")]
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=LR, fused=self.fused)
        self.loss = torch.nn.CrossEntropyLoss()
        self.scale = float(PIXEL_SCALE) if train_x.dtype == np.uint8 else 1.0  # pixels stay uint8, as in leanmlp
        self.x, self.y = torch.from_numpy(train_x), torch.from_numpy(train_y.astype(np.int64))
        self.valid_x = torch.from_numpy(valid_x).float() * self.scale
        self.valid_y = torch.from_numpy(valid_y.astype(np.int64))
        # PyTorch draws batch orders and dropout masks from one global generator: each variant
        # keeps its own state, so its run does not depend on which others are interleaved with it
        self.rng_state = torch.get_rng_state()

    def epoch(self):
        torch = self.torch
        torch.set_rng_state(self.rng_state)
        self.train_epoch()
        self.rng_state = torch.get_rng_state()

    def train_epoch(self):
        torch = self.torch
        self.net.train()
        order = torch.randperm(len(self.y))
        for start in range(0, len(self.y), BATCH):
            index = order[start:start + BATCH]
            inputs = self.x[index].float().mul_(self.scale)
            self.optimizer.zero_grad(set_to_none=True)
            penalty = L1 * sum(w.abs().sum() for w in self.weights)
            (self.loss(self.net(inputs), self.y[index]) + penalty).backward()
            self.optimizer.step()

    def valid_accuracy(self):
        self.net.eval()
        with self.torch.no_grad():
            return (self.net(self.valid_x).argmax(1) == self.valid_y).float().mean().item()


class FusedTorchRunner(TorchRunner):
    name = "pytorch fused Adam"
    fused = True


class CompiledTorchRunner(FusedTorchRunner):
    """Fused Adam and the network through ``torch.compile`` (the inductor backend, which needs a
    C++ compiler), what a careful user would try next on a CPU. The compilation happens in the
    first epoch, which the medians leave out."""

    name = "pytorch compiled"

    def __init__(self, data, seed):
        super().__init__(data, seed)
        self.net = self.torch.compile(self.net)


def compiled_torch_works():
    """Whether torch.compile can build a tiny graph here; why not, if it cannot."""
    import torch

    try:
        torch.compile(torch.nn.Linear(2, 2))(torch.ones(1, 2)).sum().backward()
    except Exception as error:  # inductor failures come in many types (no compiler, no headers, ...)
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return None


class SklearnRunner:
    name = "scikit-learn"

    def __init__(self, data, seed):
        as_input = scale_pixels if data.train_x.dtype == np.uint8 else (lambda x: x)
        self.x, self.y = as_input(data.train_x), data.train_y
        self.valid_x, self.valid_y = as_input(data.valid_x), data.valid_y
        self.classes = np.arange(data.n_classes)
        self.model = MLPClassifier(HIDDEN, activation="relu", solver="adam", alpha=0.0,
                                   batch_size=BATCH, learning_rate_init=LR, shuffle=True,
                                   random_state=seed)

    def epoch(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.partial_fit(self.x, self.y, classes=self.classes)

    def valid_accuracy(self):
        return float((self.model.predict(self.valid_x) == self.valid_y).mean())


def matmul_bound(n_inputs, n_classes, n_samples, repeats=20):
    """Seconds per epoch of the matmuls alone (this model's shapes, timed here) and the
    floor at the machine's measured float32 GEMM rate on one large product."""
    sizes = (n_inputs, *HIDDEN, n_classes)
    rng = np.random.default_rng(0)
    shapes = []  # (m, k, n) of forward, weight-gradient and input-gradient products
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        shapes += [(BATCH, fan_in, fan_out), (fan_in, BATCH, fan_out)]
        if index > 0:
            shapes.append((BATCH, fan_out, fan_in))
    operands = [(rng.random((m, k), np.float32), rng.random((k, n), np.float32)) for m, k, n in shapes]
    step_seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(50):
            for a, b in operands:
                a @ b
        step_seconds.append((time.perf_counter() - start) / 50)
    steps = n_samples / BATCH
    flops_per_step = sum(2 * m * k * n for m, k, n in shapes)
    big = rng.random((1024, 1024), np.float32)
    big @ big
    start = time.perf_counter()
    for _ in range(5):
        big @ big
    gemm_rate = 5 * 2 * 1024**3 / (time.perf_counter() - start)
    return statistics.median(step_seconds) * steps, flops_per_step * steps / gemm_rate, gemm_rate


class PartTimer:
    """Seconds spent in named parts of a computation, each exclusive of the parts it calls: a
    timer wrapped around a real method of the network, so the breakdown measures the code that
    trains, not a copy of it."""

    def __init__(self):
        self.seconds = collections.defaultdict(float)
        self._inner = []  # per open call, the seconds its nested timed calls took

    def wrap(self, part, call):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            self._inner.append(0.0)
            try:
                return call(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                self.seconds[part] += elapsed - self._inner.pop()
                if self._inner:
                    self._inner[-1] += elapsed
        return timed

    def instrument(self, owner, method, part):
        """Time ``owner.method`` as ``part`` from now on (an instance attribute over the class's)."""
        setattr(owner, method, self.wrap(part, getattr(owner, method)))

    def release(self, owner, method):
        delattr(owner, method)


class TimedBatches:
    """A batch provider whose batch gathering (indexing, conversion to float32) is timed."""

    def __init__(self, provider, timer):
        self.provider, self.timer = provider, timer

    def __iter__(self):
        batches = iter(self.provider)
        next_batch = self.timer.wrap("batch gathering and conversion", lambda: next(batches, None))
        while (batch := next_batch()) is not None:
            yield batch


def layer_part(layer):
    if isinstance(layer, AffineLayer):
        return "affine layers (matrix products, biases)"
    if isinstance(layer, DropoutLayer):
        return "dropout (with its random numbers)"
    return "activations"


def epoch_breakdown(runner):
    """One leanmlp epoch of the real ``train_epoch`` with timers around the network's own
    ``fprop``, ``bprop`` and parameter gradients of every layer, the penalty, the loss, the
    learning rule and the batch provider. Returns ({part: seconds}, epoch seconds); 'rest' is
    the epoch's wall time minus the parts."""
    model, rule, timer = runner.model, runner.rule, PartTimer()
    timed = [(layer, method, layer_part(layer)) for layer in model.layers
             for method in ("fprop", "bprop", "accumulate_param_grads")]
    penalties = {id(layer.weights_penalty): layer.weights_penalty for layer in model.layers
                 if getattr(layer, "weights_penalty", None) is not None}  # the layers share one
    timed += [(penalty, "add_grad", "penalty") for penalty in penalties.values()]
    timed += [(model.loss, "loss_and_grad", "loss"), (rule, "update", "optimizer update")]
    for owner, method, part in timed:
        timer.instrument(owner, method, part)
    try:
        start = time.perf_counter()
        train_epoch(model, rule, TimedBatches(runner.provider, timer))
        total = time.perf_counter() - start
    finally:
        for owner, method, _ in timed:
            timer.release(owner, method)
    parts = dict(timer.seconds)
    parts["rest (interpreter, bookkeeping, timers)"] = total - sum(parts.values())
    return parts, total


def print_breakdown(parts, total):
    print(f"where leanmlp's epoch goes ({total:.3f} s, measured):")
    for part, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"  {part:42s} {seconds:7.3f} s {100 * seconds / total:5.1f}%")


def bench_estimator(data, epochs, seed):
    """Seconds per epoch of ``leanmlp.MLPClassifier.fit`` against the bare loop it calls
    (``fit_network``, no evaluation passes), on the same float32 features, alternated, medians of
    three fits each: the estimator's overhead (input checks, label encoding) per epoch."""
    train_x, train_y = data.train_x, data.train_y
    features = scale_pixels(train_x) if train_x.dtype == np.uint8 else as_features(train_x)
    estimator = LeanMLPClassifier(HIDDEN, dropout_keep=KEEP, l1=L1, learning_rate_init=LR, batch_size=BATCH,
                              max_iter=epochs, random_state=seed)
    spec, settings = split_hyperparameters(estimator.hyperparameters(len(train_y)), features.shape[1],
                                            data.n_classes)
    fits = {"estimator": lambda: estimator.fit(features, train_y),
            "bare loop": lambda: fit_network(spec, settings, (features, train_y), None, seed)}
    seconds = {name: [] for name in fits}
    for _ in range(3):
        for name, fit in fits.items():
            start = time.perf_counter()
            fit()
            seconds[name].append((time.perf_counter() - start) / epochs)
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    print(f"MLPClassifier.fit {medians['estimator']:.3f} s/epoch, the bare loop {medians['bare loop']:.3f} s/epoch "
          f"(estimator / loop {medians['estimator'] / medians['bare loop']:.3f}; {epochs} epochs, median of 3 fits)")
    return medians


def peak_training_memory(data, seed):
    """Bytes numpy allocates while leanmlp trains one epoch, on top of the loaded data."""
    tracemalloc.start()
    runner = LeanRunner(data, seed)
    runner.epoch()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def bench(label, data, runner_types, epochs, seed, estimator_epochs):
    train_x, train_y, n_classes = data.train_x, data.train_y, data.n_classes
    runners = {kind.name: kind(data, seed) for kind in runner_types}
    lean_runner = runners[LeanRunner.name]
    seconds = {name: [] for name in runners}
    evaluation_seconds = []
    for _ in range(epochs):
        for name, runner in runners.items():  # interleaved so drifting machine load hits all alike
            start = time.perf_counter()
            runner.epoch()
            seconds[name].append(time.perf_counter() - start)
            if runner is lean_runner:
                start = time.perf_counter()
                runner.train_evaluation()
                evaluation_seconds.append(time.perf_counter() - start)
    # after exactly `epochs` epochs of each, before the breakdown trains leanmlp further
    valid_accuracy = {name: runner.valid_accuracy() for name, runner in runners.items()}
    breakdowns = [epoch_breakdown(lean_runner) for _ in range(max(1, min(epochs, 3)))]
    breakdown, breakdown_total = min(breakdowns, key=lambda item: item[1])  # the least disturbed epoch
    matmul_seconds, flop_floor, gemm_rate = matmul_bound(train_x.shape[1], n_classes, len(train_y))
    result = {
        "model": f"{train_x.shape[1]}-{'-'.join(map(str, HIDDEN))}-{n_classes}",
        "epochs": epochs,
        # the first epoch pays for allocations and compilation: the medians are of the rest
        "seconds_per_epoch": {name: statistics.median(s[1:] or s) for name, s in seconds.items()},
        "all_seconds": seconds,
        "valid_accuracy": valid_accuracy,
        "matmul_seconds_per_epoch": matmul_seconds,
        "flop_floor_seconds_per_epoch": flop_floor,
        "gemm_gflops": gemm_rate / 1e9,
        "peak_training_bytes": peak_training_memory(data, seed),
        "train_evaluation_seconds": statistics.median(evaluation_seconds[1:] or evaluation_seconds),
        "breakdown_seconds": breakdown,
        "breakdown_epoch_seconds": breakdown_total,
        "train_bytes": train_x.nbytes,
    }
    lean = result["seconds_per_epoch"][LeanRunner.name]
    result["ratios"] = {f"leanmlp/{name}": lean / s for name, s in result["seconds_per_epoch"].items()
                        if name != LeanRunner.name}
    print(f"\n{label}: {result['model']}, {epochs} epochs, medians of epochs {'2-' if epochs > 1 else ''}{epochs}")
    print(f"{'framework':20s} {'s/epoch':>8s} {'leanmlp/x':>10s} {'valid acc':>10s}")
    for name, s in result["seconds_per_epoch"].items():
        ratio = "" if name == LeanRunner.name else f"{lean / s:10.2f}"
        print(f"{name:20s} {s:8.3f} {ratio:>10s} {result['valid_accuracy'][name]:10.4f}")
    print(f"matmuls alone {matmul_seconds:.3f} s/epoch; FLOP floor {flop_floor:.3f} s/epoch at "
          f"{gemm_rate / 1e9:.0f} GFLOP/s; leanmlp = {lean / matmul_seconds:.2f} x matmul time")
    print(f"leanmlp peak working memory {result['peak_training_bytes'] / 1e6:.0f} MB "
          f"+ {train_x.nbytes / 1e6:.0f} MB training data")
    evaluation = result["train_evaluation_seconds"]
    print(f"evaluation-mode pass over the training split: {evaluation:.3f} s, "
          f"+{100 * evaluation / lean:.1f}% on the training epoch")
    print_breakdown(breakdown, breakdown_total)
    if estimator_epochs:
        result["estimator_seconds_per_epoch"] = bench_estimator(data, estimator_epochs, seed)
    return result


AGED_SHARES = (0.0, 0.1, 0.3, 0.6)
AGED_STEPS = 100  # fewer than leanmlp's flush interval, so no flush runs inside a timed window
SUBNORMAL = np.float32(1e-40)  # what beta2 ** 80,000 leaves of a second moment of about 1e-5


def aged_adam_states(n_params, share, seed):
    """Gradient and (first, second) moments of an aged Adam state: the first ``share`` of the
    parameters get zero gradients, a zero first moment and a subnormal second moment."""
    rng = np.random.default_rng(seed)
    dead = int(share * n_params)
    grads = (rng.standard_normal(n_params) * 1e-3).astype(np.float32)
    first = (rng.standard_normal(n_params) * 1e-3).astype(np.float32)
    second = (grads.astype(np.float64) ** 2 * 1e3).astype(np.float32)
    grads[:dead], first[:dead], second[:dead] = 0.0, 0.0, SUBNORMAL
    return grads, first, second


def time_steps(make_step, repeats=15):
    """Median over ``repeats`` windows of the seconds per step of ``AGED_STEPS`` steps, each
    window from a fresh step function that ``make_step`` returns."""
    windows = []
    for _ in range(repeats):
        step = make_step()
        start = time.perf_counter()
        for _ in range(AGED_STEPS):
            step()
        windows.append((time.perf_counter() - start) / AGED_STEPS)
    return statistics.median(windows)


def bench_aged_adam(n_params, seed, with_torch):
    """Microseconds per Adam step for each subnormal share, leanmlp (flushed state as it holds
    it, and the unflushed state) and PyTorch (flush-to-zero off and on)."""
    rows = {}
    for share in AGED_SHARES:
        grads, first, second = aged_adam_states(n_params, share, seed)
        flushed_second = np.where(second < np.finfo(np.float32).tiny, np.float32(0), second)

        def lean_step(second_moment, first=first, grads=grads):
            def make_step():  # a fresh rule: its first flush is AGED_STEPS steps away at least
                rule = Adam(np.zeros(n_params, np.float32), LR)
                rule.t = 80_000
                rule.first_moment[:], rule.second_moment[:] = first, second_moment
                return lambda: rule.update(grads)
            return make_step

        row = {"leanmlp": time_steps(lean_step(flushed_second)),
               "leanmlp unflushed": time_steps(lean_step(second))}
        if with_torch:
            import torch

            def torch_step(grads=grads, first=first, second=second):
                weight = torch.zeros(n_params, requires_grad=True)
                weight.grad = torch.from_numpy(grads)
                optimizer = torch.optim.Adam([weight], lr=LR)
                optimizer.step()
                state = optimizer.state[weight]
                state["exp_avg"].copy_(torch.from_numpy(first))
                state["exp_avg_sq"].copy_(torch.from_numpy(second * np.float32(1 - 0.999)))  # torch scales v
                state["step"].fill_(80_000)
                return optimizer.step

            for flush in (False, True):
                torch.set_flush_denormal(flush)
                row[f"pytorch{', flush-to-zero' if flush else ''}"] = time_steps(torch_step)
            torch.set_flush_denormal(False)
        rows[f"{share:.0%}"] = row
    names = list(rows["0%"])
    print(f"\nAdam step on {n_params:,} parameters with an aged state, microseconds per step "
          f"(medians of {AGED_STEPS}-step windows)")
    print(f"{'subnormal share':16s}" + "".join(f"{name:>28s}" for name in names))
    for share, row in rows.items():
        print(f"{share:16s}" + "".join(f"{1e6 * row[name]:28.0f}" for name in names))
    worst = max(row["leanmlp"] for row in rows.values()) / rows["0%"]["leanmlp"]
    print(f"leanmlp: the slowest aged share costs {worst:.2f}x the normal state")
    return {share: {name: 1e6 * seconds for name, seconds in row.items()} for share, row in rows.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn (slowest)")
    parser.add_argument("--compile", action="store_true",
                        help="also time PyTorch with torch.compile (compiles for a minute or two first)")
    parser.add_argument("--estimator-epochs", type=int, default=2,
                        help="epochs of each of the 3 estimator and bare-loop fits (0: leave them out)")
    parser.add_argument("--aged", action="store_true",
                        help="also time Adam steps with an aged state holding subnormal moments")
    parser.add_argument("--out", type=Path, help="write the numbers as JSON here")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"needs the real EMNIST partition in {SHARED}")
    runner_types = [LeanRunner]
    try:
        import torch

        torch.set_num_threads(args.threads)
        runner_types += [TorchRunner, FusedTorchRunner]
        if args.compile:
            problem = compiled_torch_works()
            if problem:
                print(f"torch.compile does not work here, leaving it out ({problem})")
            else:
                runner_types.append(CompiledTorchRunner)
    except ImportError:
        print("PyTorch not installed (pip install -e '.[bench]'): comparing with scikit-learn only")
    if not args.no_sklearn:
        runner_types.append(SklearnRunner)

    data = load_data(args.seed)
    with threadpool_limits(args.threads):
        pca = fit_pca(scale_pixels(data.train_x), n_components=78)
        scaled = lambda x: pca.transform(scale_pixels(x))  # noqa: E731
        report = {"machine": cpu_model(), "threads": args.threads,
                  "numpy": np.__version__, "sklearn": sklearn.__version__,
                  "pca78_variance": pca.variance_captured()}
        if TorchRunner in runner_types:
            report["torch"] = torch.__version__
        print(f"CPU: {report['machine']}, {args.threads} BLAS thread(s), numpy {np.__version__}")
        if args.aged:
            n_params = MLPSpec(data.train_x.shape[1], data.n_classes, HIDDEN).n_params()
            report["aged_adam_microseconds"] = bench_aged_adam(n_params, args.seed, TorchRunner in runner_types)
        report["pixels"] = bench("784 pixels", data, runner_types, args.epochs, args.seed, args.estimator_epochs)
        report["pca78"] = bench("78 principal components", data.transformed(scaled), runner_types, args.epochs,
                                args.seed, args.estimator_epochs)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))
    ratio = report["pixels"]["ratios"].get("leanmlp/pytorch", math.nan)
    print(f"leanmlp/pytorch seconds per epoch, 784-input model: {ratio:.2f}")


if __name__ == "__main__":
    main()
