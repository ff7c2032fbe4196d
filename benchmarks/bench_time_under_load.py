"""Wall time against process CPU time per epoch, on a quiet machine and on a loaded one.

The PCA time claim compares the training time of the paper's best model on 784 pixels and on
78 principal components. Wall seconds of a job grow with whatever else runs on the machine;
the CPU seconds of a single-threaded job hardly do (it waits for a core, but computes the
same). This trains both models through the pipeline's own loop (``train``, evaluation-mode
train pass included, one BLAS thread), interleaved epoch by epoch, first on a quiet machine,
then with ``--load`` busy processes (numpy matrix products on one thread each) competing for
the cores, and prints per-epoch medians of both clocks and the PCA/raw ratio of each.

    python benchmarks/bench_time_under_load.py --images 20000 --epochs 6 --load 2

The images are random uint8 pixels and random float32 features of the real shapes (the cost of
an epoch depends on the shapes, not on the values), so it runs anywhere.
"""

import argparse
import multiprocessing
import statistics

import numpy as np
from threadpoolctl import threadpool_limits

from leanmlp.nn.fitting import split_hyperparameters
from leanmlp.nn.models import MLP
from leanmlp.nn.training import make_learning_rule, train
from leanmlp.provenance import cpu_model

BEST = {"hidden": [128, 128, 128], "dropout_keep": 0.75, "dropout_after": [1, 2], "l1": 1e-5,
        "optimizer": "adam", "learning_rate": 1e-3, "batch_size": 100}
CLASSES, PIXELS, COMPONENTS = 47, 784, 78


def busy(stop):
    """One core's worth of load until told to stop."""
    with threadpool_limits(1):
        matrix = np.random.default_rng(0).random((400, 400), dtype=np.float32)
        while not stop.is_set():
            matrix = (matrix @ matrix) / 400


def epoch_clocks(inputs, labels, epochs, seed=0):
    """Per-epoch (wall, cpu) seconds of training the best model on ``inputs``."""
    spec, settings = split_hyperparameters(BEST, inputs.shape[1], CLASSES)
    model = MLP(spec, np.random.default_rng(seed))
    rule = make_learning_rule(settings.optimizer, model.params, settings.learning_rate)
    valid = (inputs[:2000], labels[:2000])
    history = train(model, rule, (inputs, labels), valid, epochs, settings.batch_size,
                    np.random.default_rng(seed + 1)).history
    return [(record["seconds"], record["cpu_seconds"]) for record in history[1:]]  # epoch 1 warms up


def measure(data, epochs, rounds):
    """{model: {'wall': [...], 'cpu': [...]}} over ``rounds`` interleaved trainings."""
    clocks = {name: {"wall": [], "cpu": []} for name in data}
    for _ in range(rounds):
        for name, (inputs, labels) in data.items():
            for wall, cpu in epoch_clocks(inputs, labels, epochs):
                clocks[name]["wall"].append(wall)
                clocks[name]["cpu"].append(cpu)
    return clocks


def summary(clocks):
    medians = {name: {clock: statistics.median(values) for clock, values in by_clock.items()}
               for name, by_clock in clocks.items()}
    ratios = {clock: medians["pca"][clock] / medians["raw"][clock] for clock in ("wall", "cpu")}
    return medians, ratios


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=6, help="per training; the first is not counted")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved trainings of each model per condition")
    parser.add_argument("--load", type=int, default=2, help="busy processes in the loaded condition")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    labels = rng.integers(0, CLASSES, args.images)
    data = {"raw": (rng.integers(0, 256, (args.images, PIXELS), dtype=np.uint8), labels),
            "pca": (rng.standard_normal((args.images, COMPONENTS), dtype=np.float32), labels)}
    print(f"{cpu_model()}; {args.images} images, {args.epochs - 1} timed epochs x {args.rounds} trainings "
          f"per model and condition, one BLAS thread")
    results = {}
    with threadpool_limits(1):
        results["quiet"] = summary(measure(data, args.epochs, args.rounds))
        stop = multiprocessing.Event()
        workers = [multiprocessing.Process(target=busy, args=(stop,)) for _ in range(args.load)]
        for worker in workers:
            worker.start()
        try:
            results[f"{args.load} busy processes"] = summary(measure(data, args.epochs, args.rounds))
        finally:
            stop.set()
            for worker in workers:
                worker.join()
    print(f"{'condition':<20} {'raw wall':>9} {'raw cpu':>9} {'pca wall':>9} {'pca cpu':>9} "
          f"{'pca/raw wall':>13} {'pca/raw cpu':>12}")
    for condition, (medians, ratios) in results.items():
        print(f"{condition:<20} {medians['raw']['wall']:9.3f} {medians['raw']['cpu']:9.3f} "
              f"{medians['pca']['wall']:9.3f} {medians['pca']['cpu']:9.3f} "
              f"{ratios['wall']:13.3f} {ratios['cpu']:12.3f}")
    (quiet, _), (loaded, _) = results.values()
    # what a shared machine does to an unpaired comparison: one job timed while it was quiet,
    # the other while it was loaded
    for clock in ("wall", "cpu"):
        same = quiet["pca"][clock] / quiet["raw"][clock] - 1
        crossed = [loaded["pca"][clock] / quiet["raw"][clock] - 1, quiet["pca"][clock] / loaded["raw"][clock] - 1]
        print(f"{clock}: PCA/raw - 1 is {100 * same:+.1f}% with both quiet, {100 * crossed[0]:+.1f}% with only the "
              f"PCA run loaded, {100 * crossed[1]:+.1f}% with only the raw run loaded (the paper: -46.8%)")


if __name__ == "__main__":
    main()
