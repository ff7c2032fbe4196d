"""Stage baseline: fit one scikit-learn baseline, time it, score it on valid and test (and keep
its prediction of every image, for comparisons paired over images)."""

import time

import numpy as np
from threadpoolctl import threadpool_limits

from leanmlp.atomic import write_json
from leanmlp.mining.inputs import load_training_inputs
from leanmlp.nn.data_providers import scale_pixels
from leanmlp.nn.predictions import class_dtype, prediction_key, save_predictions
from leanmlp.stage import job_label, run_stage, stage_logger
from leanmlp.study.baselines import describe, make_baseline, training_subsample


def load(path):
    inputs, labels, _, _ = load_training_inputs(path)
    return (scale_pixels(inputs) if inputs.dtype == np.uint8 else inputs), labels


def main(logger):
    name, threads, seed = snakemake.wildcards.model, snakemake.threads, snakemake.params.seed
    train_x, train_y = load(snakemake.input.train)
    n_classes = int(train_y.max()) + 1
    keep, note = training_subsample(len(train_y), snakemake.params.train_size, seed)
    if note:
        logger.warning("%s", note)
    if keep is not None:
        train_x, train_y = train_x[keep], train_y[keep]
    model = make_baseline(name, seed, threads)
    logger.info("fitting %r on %d x %d with %d threads", model, *train_x.shape, threads)
    with threadpool_limits(threads):
        start = time.perf_counter()
        model.fit(train_x, train_y)
        fit_seconds = time.perf_counter() - start
        scores, predictions = {}, {}
        for split in ("valid", "test"):
            x, y = load(snakemake.input[split])
            predicted = model.predict(x).astype(class_dtype(n_classes))  # it predicts the training labels
            predictions[prediction_key(split, "final")] = predicted
            scores[split] = float(np.mean(predicted == y))
    logger.info("done: fit %.1f s, valid %.4f, test %.4f", fit_seconds, scores["valid"], scores["test"])
    save_predictions(snakemake.output.predictions, predictions)
    write_json(snakemake.output.metrics, {"model": name, "label": describe(name), "fit_seconds": fit_seconds,
                                          "train_size": len(train_y), "threads": threads,
                                          "valid_acc": scores["valid"], "test_acc": scores["test"]})


run_stage(main, stage_logger("baseline", snakemake.log[0], job_label(snakemake.wildcards)))
