"""Stage train_mlp: one MLP run (one hyperparameter set, one seed) -> history, model, metrics."""

import logging

from leanmlp.atomic import write_json, write_text
from leanmlp.deploy.model_io import save_model
from leanmlp.mining.inputs import load_training_inputs
from leanmlp.nn.fitting import describe_run, run_training, timing_summary
from leanmlp.nn.predictions import save_predictions
from leanmlp.nn.training import history_csv
from leanmlp.provenance import describe, provenance
from leanmlp.stage import TerminalPace, job_label, run_stage, stage_logger


def main(logger):
    hyperparameters, seed = dict(snakemake.params.hyperparameters), int(snakemake.params.seed)
    made_by = provenance(snakemake.config)
    logger.debug("code: %s", describe(made_by))
    logger.debug("hyperparameters: %s", hyperparameters)
    train_x, train_y, characters, pca = load_training_inputs(snakemake.input.train)
    valid_x, valid_y, _, _ = load_training_inputs(snakemake.input.valid)
    test_x, test_y, _, _ = load_training_inputs(snakemake.input.test)
    epochs = hyperparameters["epochs"]
    logger.debug("training %s, %s at lr %g, on %d x %d for %d epochs", describe_run(hyperparameters),
                 hyperparameters["optimizer"], hyperparameters["learning_rate"], len(train_y), train_x.shape[1],
                 epochs)
    pace = TerminalPace()

    def log_epoch(record):
        # every epoch in the log file; in the terminal, where parallel jobs interleave, one every half minute
        logger.log(logging.INFO if pace.due() else logging.DEBUG,
                   "epoch %3d/%d  train loss %.4f acc %.4f (running: %.4f)  valid loss %.4f acc %.4f  %.2f s "
                   "(train evaluation %.2f s)", record["epoch"], epochs, record["train_loss"], record["train_acc"],
                   record["train_running_acc"], record["valid_loss"], record["valid_acc"], record["seconds"],
                   record["train_eval_seconds"])

    model, result, metrics = run_training(hyperparameters, (train_x, train_y), (valid_x, valid_y),
                                          (test_x, test_y), len(characters), seed, log_epoch,
                                          train_curve_size=snakemake.params.train_curve_sample)
    if result.diverged:
        logger.warning("DIVERGED: %s (recorded; the tables will show it)", result.diverged_reason)
    write_text(snakemake.output.history, history_csv(result.history))
    save_predictions(snakemake.output.predictions, result.predictions)
    save_model(snakemake.output.model, model, characters, hyperparameters, result.best_params, pca,
               provenance=made_by)
    write_json(snakemake.output.metrics, {"setting": snakemake.wildcards.setting,
                                          "run": snakemake.wildcards.run, "seed": seed,
                                          "hyperparameters": hyperparameters, **metrics,
                                          "provenance": made_by})
    logger.info("done in %.1f s, %d epochs on %d images: valid %.4f, test %.4f (%.4f at its best valid epoch, %s)",
                metrics["seconds_total"], metrics["epochs_run"], len(train_y), metrics["final_valid_acc"],
                metrics["test_acc_final"], metrics["test_acc_best_valid"], metrics["best_valid_loss_epoch"])
    logger.debug("%s", timing_summary(metrics))


run_stage(main, stage_logger("train_mlp", snakemake.log[0], job_label(snakemake.wildcards)))
