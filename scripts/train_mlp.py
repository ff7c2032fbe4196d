"""Stage train_mlp: one MLP run (one hyperparameter set, one seed) -> history, model, metrics."""

import pandas as pd

from leanmlp.atomic import atomic_path, write_json
from leanmlp.datasets import load_training_inputs
from leanmlp.experiments import run_training, timing_summary
from leanmlp.model_io import save_model
from leanmlp.provenance import describe, provenance
from leanmlp.stage import run_stage, stage_logger
from leanmlp.training import HISTORY_COLUMNS


def main(logger):
    hyperparameters, seed = dict(snakemake.params.hyperparameters), int(snakemake.params.seed)
    made_by = provenance(snakemake.config)
    logger.info("code: %s", describe(made_by))
    train_x, train_y, characters, pca = load_training_inputs(snakemake.input.train)
    valid_x, valid_y, _, _ = load_training_inputs(snakemake.input.valid)
    test_x, test_y, _, _ = load_training_inputs(snakemake.input.test)
    logger.info("%s / %s, seed %d: %s; %d training samples of %d features", snakemake.wildcards.setting,
                snakemake.wildcards.run, seed, hyperparameters, len(train_y), train_x.shape[1])

    def log_epoch(record):
        logger.info("epoch %3d  train loss %.4f acc %.4f (running, dropout on: %.4f)  "
                    "valid loss %.4f acc %.4f  %.2f s (train evaluation %.2f s)",
                    record["epoch"], record["train_loss"], record["train_acc"], record["train_running_acc"],
                    record["valid_loss"], record["valid_acc"], record["seconds"], record["train_eval_seconds"])

    model, result, metrics = run_training(hyperparameters, (train_x, train_y), (valid_x, valid_y),
                                          (test_x, test_y), len(characters), seed, log_epoch)
    if result.diverged:
        logger.warning("DIVERGED: %s (recorded; the tables will show it)", result.diverged_reason)
    with atomic_path(snakemake.output.history) as tmp:
        pd.DataFrame(result.history, columns=HISTORY_COLUMNS).to_csv(tmp, index=False)
    save_model(snakemake.output.model, model, characters, hyperparameters, result.best_params, pca,
               provenance=made_by)
    write_json(snakemake.output.metrics, {"setting": snakemake.wildcards.setting,
                                          "run": snakemake.wildcards.run, "seed": seed,
                                          "hyperparameters": hyperparameters, **metrics,
                                          "provenance": made_by})
    logger.info("test accuracy %.4f (final), %.4f (best valid epoch %s)", metrics["test_acc_final"],
                metrics["test_acc_best_valid"], metrics["best_valid_loss_epoch"])
    logger.info("%s", timing_summary(metrics))


run_stage(main, stage_logger("train_mlp", snakemake.log[0]))
