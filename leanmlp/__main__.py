"""Command line: ``python -m leanmlp predict MODEL.npz IMAGES.npz`` and
``python -m leanmlp compare OURS REFERENCE``.

compare: two result folders (``results/<name>/`` or ``docs/reproduction/``) side by side, job
by job and table row by table row (see ``leanmlp.report.compare``); exit status 0 when nothing is
flagged, 1 when something is, 2 on bad input.

predict:
Classifies the images in IMAGES.npz (key ``images``: uint8, one image per row or per
h x w block) with a model saved by the training stage, prints which code trained it, the
accuracy when the file also holds ``labels``, and the latency per sample, batched and one at
a time (the constrained-hardware use the paper argues for): on one BLAS thread, after warm-up
calls, the median and interquartile range of as many timed calls as fit a time budget.
"""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from leanmlp.deploy.model_io import PREDICT_BATCH, Predictor, open_npz
from leanmlp.exceptions import DataFormatError, LeanMLPError
from leanmlp.provenance import describe

WARM_UP_CALLS = 3


def timed_calls(call: Callable[[], object], budget_seconds: float, min_calls: int = 5,
                max_calls: int = 10000) -> tuple[float, float, float, int]:
    """Wall seconds of repeated ``call()``s after warm-up calls: as many as fit the budget (at least
    ``min_calls``), so a fast call is timed often enough for its median to settle.
    Returns (median, 25th percentile, 75th percentile, number of timed calls)."""
    for _ in range(WARM_UP_CALLS):
        call()
    times, spent = [], 0.0
    while len(times) < max_calls and (len(times) < min_calls or spent < budget_seconds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
        spent += times[-1]
    low, median, high = np.percentile(times, [25, 50, 75])
    return float(median), float(low), float(high), len(times)


def latency_line(label: str, timing: tuple[float, float, float, int], per_call: int) -> str:
    """One line of ``timed_calls``' result, per sample of the ``per_call`` a call classifies."""
    median, low, high = (seconds / per_call for seconds in timing[:3])
    calls = timing[3]
    return (f"{label}: median {median * 1e6:.1f} us per sample (interquartile {low * 1e6:.1f} to "
            f"{high * 1e6:.1f} us, {calls} timed calls)")


def read_images(path: str | Path) -> np.ndarray:
    with open_npz(path, "file of images") as f:
        if "images" not in f:
            raise DataFormatError(f"{path}: no 'images' array (it has {', '.join(f.files) or 'nothing'})")
        images, labels = f["images"], f["labels"] if "labels" in f else None
    if images.dtype != np.uint8:
        raise DataFormatError(f"{path}: images must be uint8 pixels, got {images.dtype}")
    if images.ndim < 2 or len(images) == 0:
        raise DataFormatError(f"{path}: holds no images (array of shape {images.shape})")
    if labels is not None:
        if labels.ndim != 1 or len(labels) != len(images):
            raise DataFormatError(f"{path}: labels must be one per image, shape ({len(images)},); "
                                  f"got shape {labels.shape}")
        if not np.issubdtype(labels.dtype, np.integer):
            raise DataFormatError(f"{path}: labels must be integer class indices, got {labels.dtype}")
    return images, labels


def predict_command(args: argparse.Namespace) -> None:
    predictor = Predictor(args.model)
    images, labels = read_images(args.images)
    classes = np.asarray(predictor.classes)  # what a class index stands for: 0..n-1, or an estimator's labels
    unknown = np.setdiff1d(labels, classes) if labels is not None else []
    if len(unknown):
        raise DataFormatError(f"{args.images}: labels run from {labels.min()} to {labels.max()}, but {args.model} "
                              f"has classes {classes.min()}..{classes.max()} (no {unknown[0]})")
    try:
        predicted = predictor.predict(images)
    except DataFormatError as e:
        raise DataFormatError(f"{args.images} does not fit {args.model}: {e}") from None
    spec = predictor.spec
    print(f"model: {spec.n_inputs}-{'-'.join(map(str, spec.hidden))}-{spec.n_classes}, "
          f"{spec.n_params():,} parameters, {spec.macs_per_sample():,} multiply-accumulates per sample"
          + (f", PCA-{predictor.pca.n_components} input" if predictor.pca is not None else ""))
    print(f"trained by: {describe(predictor.provenance)}")
    batch = min(len(images), PREDICT_BATCH)
    singles = images[: args.single]
    # one BLAS thread: a second thread's start-up and contention make small products' times erratic
    with threadpool_limits(1):
        batched = timed_calls(lambda: predictor.predict(images[:batch], batch_size=batch), args.budget / 2)
        single = timed_calls(lambda: [predictor.predict(image[None]) for image in singles], args.budget / 2)
    print(f"latency on one BLAS thread, {WARM_UP_CALLS} warm-up calls first:")
    print("  " + latency_line(f"batched ({batch} images a call)", batched, batch))
    print("  " + latency_line(f"one at a time ({len(singles)} images a call, one each)", single, len(singles)))
    if batched[0] / batch >= single[0] / len(singles):
        print("  note: batched was not faster than one at a time in this measurement; with so small a model "
              "the per-call overhead dominates both, or the machine was busy: rerun with a larger --budget")
    if labels is not None:
        print(f"accuracy: {np.mean(classes[predicted] == labels):.4f}")
    if args.show:
        shown = [predictor.characters[i] for i in predicted[: args.show]]
        # one character a class reads as a string (EMNIST); longer names, as labels 1..10, need spaces
        print("predicted:", ("" if all(len(name) == 1 for name in predictor.characters) else " ").join(shown))


def compare_command(args: argparse.Namespace) -> int:
    from leanmlp.report.compare import compare_runs, summary_lines

    jobs, tables, tolerance, setup = compare_runs(args.ours, args.reference, args.tolerance)
    print("\n".join(summary_lines(jobs, tables, tolerance, args.all, setup)))
    return 1 if jobs.flagged.any() or tables.flagged.any() else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m leanmlp")
    commands = parser.add_subparsers(dest="command", required=True)
    predict = commands.add_parser("predict", help="classify images with a saved model")
    predict.add_argument("model", help="model.npz written by the training stage")
    predict.add_argument("images", help=".npz with 'images' (uint8) and optionally 'labels'")
    predict.add_argument("--single", type=int, default=200, help="images timed one at a time")
    predict.add_argument("--budget", type=float, default=2.0, help="seconds spent timing (default 2)")
    predict.add_argument("--show", type=int, default=0, help="print the first N predicted characters")
    compare = commands.add_parser("compare", help="two result folders side by side, job by job and row by row")
    compare.add_argument("ours", help="a results folder: results/<name>/ (it holds tables/)")
    compare.add_argument("reference", help="the folder to compare with, e.g. docs/reproduction/")
    compare.add_argument("--tolerance", type=float,
                         help="flag accuracies that differ by more than this (default: the reference's seed spread)")
    compare.add_argument("--all", action="store_true", help="print every compared value, not only the flagged")
    args = parser.parse_args(argv)
    if args.command == "predict" and (args.single < 1 or not args.budget > 0):
        parser.error("--single must be at least 1 and --budget above 0")
    if args.command == "compare" and args.tolerance is not None and not args.tolerance >= 0:
        parser.error("--tolerance must be a number >= 0")
    try:
        if args.command == "predict":
            predict_command(args)
        else:
            sys.exit(compare_command(args))
    except (LeanMLPError, MemoryError) as e:
        text = e if isinstance(e, LeanMLPError) else f"out of memory ({e}): a model larger than this machine holds"
        print(f"error: {text}", file=sys.stderr)
        sys.exit(2 if args.command == "compare" else 1)


if __name__ == "__main__":
    main()
