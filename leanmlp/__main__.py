"""Command line: ``python -m leanmlp predict MODEL.npz IMAGES.npz``.

Classifies the images in IMAGES.npz (key ``images``: uint8, one image per row or per
h x w block) with a model saved by the training stage, prints the accuracy when the file
also holds ``labels``, and the latency per sample, batched and one at a time (the
constrained-hardware use the paper argues for).
"""

import argparse
import sys
import time

import numpy as np

from .exceptions import LeanMLPError
from .model_io import Predictor


def predict_command(args):
    predictor = Predictor(args.model)
    with np.load(args.images) as f:
        images = f["images"]
        labels = f["labels"] if "labels" in f else None
    start = time.perf_counter()
    predicted = predictor.predict(images)
    batched = (time.perf_counter() - start) / len(images)
    single = []
    for image in images[: args.single]:
        start = time.perf_counter()
        predictor.predict(image[None])
        single.append(time.perf_counter() - start)
    print(f"model: {predictor.spec.n_inputs}-{'-'.join(map(str, predictor.spec.hidden))}-"
          f"{predictor.spec.n_classes}, {predictor.spec.n_params():,} parameters, "
          f"{predictor.spec.macs_per_sample():,} multiply-accumulates per sample"
          + (f", PCA-{predictor.pca.n_components} input" if predictor.pca is not None else ""))
    print(f"{len(images)} images: {batched * 1e6:.1f} us per sample batched, "
          f"{np.median(single) * 1e6:.1f} us one at a time (median of {len(single)})")
    if labels is not None:
        print(f"accuracy: {np.mean(predicted == labels):.4f}")
    if args.show:
        print("predicted:", "".join(predictor.characters[i] for i in predicted[: args.show]))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m leanmlp")
    commands = parser.add_subparsers(dest="command", required=True)
    predict = commands.add_parser("predict", help="classify images with a saved model")
    predict.add_argument("model", help="model.npz written by the training stage")
    predict.add_argument("images", help=".npz with 'images' (uint8) and optionally 'labels'")
    predict.add_argument("--single", type=int, default=200, help="images timed one at a time")
    predict.add_argument("--show", type=int, default=0, help="print the first N predicted characters")
    args = parser.parse_args(argv)
    try:
        predict_command(args)
    except (LeanMLPError, OSError, KeyError) as e:
        sys.exit(f"error: {e}")


if __name__ == "__main__":
    main()
