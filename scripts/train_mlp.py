"""Stage train_mlp: one MLP run (one hyperparameter set, one seed) -> history, model, metrics."""

import pandas as pd

from leanmlp.atomic import atomic_path, write_json
from leanmlp.datasets import load_training_inputs
from leanmlp.experiments import run_training
from leanmlp.model_io import save_model
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    hyperparameters, seed = dict(snakemake.params.hyperparameters), int(snakemake.params.seed)
    train_x, train_y, characters, pca = load_training_inputs(snakemake.input.train)
    valid_x, valid_y, _, _ = load_training_inputs(snakemake.input.valid)
    test_x, test_y, _, _ = load_training_inputs(snakemake.input.test)
    logger.info("%s / %s, seed %d: %s; %d training samples of %d features", snakemake.wildcards.setting,
                snakemake.wildcards.run, seed, hyperparameters, len(train_y), train_x.shape[1])

    def log_epoch(record):
        logger.info("epoch %3d  train loss %.4f acc %.4f  valid loss %.4f acc %.4f  %.2f s",
                    record["epoch"], record["train_loss"], record["train_acc"],
                    record["valid_loss"], record["valid_acc"], record["seconds"])

    model, result, metrics = run_training(hyperparameters, (train_x, train_y), (valid_x, valid_y),
                                          (test_x, test_y), len(characters), seed, log_epoch)
    if result.diverged:
        logger.warning("DIVERGED: %s (recorded; the tables will show it)", result.diverged_reason)
    with atomic_path(snakemake.output.history) as tmp:
        pd.DataFrame(result.history).to_csv(tmp, index=False)
    save_model(snakemake.output.model, model, characters, hyperparameters, result.best_params, pca)
    write_json(snakemake.output.metrics, {"setting": snakemake.wildcards.setting,
                                          "run": snakemake.wildcards.run, "seed": seed,
                                          "hyperparameters": hyperparameters, **metrics})
    logger.info("test accuracy %.4f (final), %.4f (best valid epoch %s)", metrics["test_acc_final"],
                metrics["test_acc_best_valid"], metrics["best_valid_loss_epoch"])


run_stage(main, stage_logger("train_mlp", snakemake.log[0]))
