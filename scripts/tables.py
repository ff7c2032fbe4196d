"""Stage tables: tables 1-4 in the paper's layout, the multiply-accumulate and memory tables,
and figure 16 (test accuracy against training-set memory)."""

import json

import pandas as pd
import yaml

from leanmlp.atomic import atomic_path, save_figure, write_text
from leanmlp.models import MLPSpec
from leanmlp.plots import memory_accuracy_figure
from leanmlp.reporting import macs_table, mean_std_text, paper_rows_table, wide_markdown
from leanmlp.stage import run_stage, stage_logger

ACCURACY_COLUMNS = {"train": "final_train_acc", "valid": "final_valid_acc"}
PRUNED_COLUMNS = {"valid": "final_valid_acc", "test": "test_acc_final"}


def save_table(stem, table, markdown, logger):
    with atomic_path(f"{stem}.csv") as tmp:
        table.to_csv(tmp, index=False)
    write_text(f"{stem}.md", markdown + "\n")
    logger.info("%s: %d rows", stem, len(table))


def table2(runs, baselines, reference, mlp_runs, settings):
    """Valid accuracy and training seconds of the MLPs (per setting) and the baselines."""
    rows = []
    indexed = runs.set_index(["setting", "run"])
    for paper, run in zip(reference[:len(mlp_runs)], mlp_runs):
        for setting in settings:
            if (setting, run) in indexed.index:
                job = indexed.loc[(setting, run)]
                rows.append({"model": f"MLP {job['description']}", "setting": setting,
                             "paper_model": paper["model"], "paper_valid": paper["valid"],
                             "paper_seconds": paper["seconds"], "ours_valid": job["final_valid_acc"],
                             "ours_test": job["test_acc_final"], "ours_seconds": job["seconds_total"]})
    by_label = {paper["model"].replace("PCA-78 + ", "PCA + "): paper for paper in reference[len(mlp_runs):]}
    for baseline in baselines:
        paper = by_label.get(baseline["label"], {})
        rows.append({"model": baseline["label"], "setting": "", "paper_model": paper.get("model"),
                     "paper_valid": paper.get("valid"), "paper_seconds": paper.get("seconds"),
                     "ours_valid": baseline["valid_acc"], "ours_test": baseline["test_acc"],
                     "ours_seconds": baseline["fit_seconds"]})
    return pd.DataFrame(rows)


def main(logger):
    params = snakemake.params
    reference = yaml.safe_load(open(snakemake.input.reference))
    runs = pd.read_csv(snakemake.input.runs)
    settings = list(params.settings)
    folder = snakemake.output.table1.removesuffix("/table1.csv")

    table = paper_rows_table(runs, params.table1, reference["table1"], settings, ACCURACY_COLUMNS)
    save_table(f"{folder}/table1", table, wide_markdown(table, ACCURACY_COLUMNS, settings), logger)

    baselines = [json.loads(open(path).read()) for path in snakemake.input.baselines]
    second = table2(runs, baselines, reference["table2"], params.table2_mlp, settings)
    markdown = second.assign(
        paper_valid=second.paper_valid.map(lambda v: "—" if pd.isna(v) else f"{v:.4f}"),
        ours_valid=second.ours_valid.map("{:.4f}".format), ours_test=second.ours_test.map("{:.4f}".format),
        ours_seconds=second.ours_seconds.map("{:.1f}".format)).to_markdown(index=False)
    save_table(f"{folder}/table2", second, markdown, logger)

    third_runs, fourth_runs = params.table3_runs, params.table4_runs
    third = paper_rows_table(runs, third_runs, reference["table3"], settings, PRUNED_COLUMNS)
    save_table(f"{folder}/table3", third, wide_markdown(third, PRUNED_COLUMNS, settings), logger)
    fourth = paper_rows_table(runs, fourth_runs, reference["table4"], settings, PRUNED_COLUMNS)
    save_table(f"{folder}/table4", fourth, wide_markdown(fourth, PRUNED_COLUMNS, settings), logger)

    n_classes = len(pd.read_csv(snakemake.input.class_counts))
    specs = [MLPSpec(int(row.n_features), n_classes, tuple(json.loads(row.hidden)))
             for row in pd.read_csv(snakemake.input.jobs).drop_duplicates(["n_features", "hidden"]).itertuples()]
    macs = macs_table(specs, reference["flops"]["mlp_78_128x3_47_multiplications"])
    save_table(f"{folder}/macs", macs, macs.to_markdown(index=False), logger)

    memory = pd.read_csv(snakemake.input.memory)
    memory["memory_mb"] = (memory["memory"] + memory["transform"]) / 1e6
    paper_path = {"raw": reference["dataset"]["train_disk_mb"], "pca": reference["best_model"]["pca78"]["train_disk_mb"],
                  f"rmse/{params.rmse_slugs[0]}": reference["final_pruned_model"]["train_disk_mb"]}
    memory["paper_mb"] = memory.variant.map(paper_path)
    shown = memory[["variant", "n_samples", "n_features", "memory_mb", "share_of_raw", "disk", "paper_mb"]]
    save_table(f"{folder}/memory", shown, shown.assign(
        memory_mb=shown.memory_mb.map("{:.2f}".format), share_of_raw=shown.share_of_raw.map("{:.1%}".format),
        disk=(shown.disk / 1e6).map("{:.2f}".format), paper_mb=shown.paper_mb.map(lambda v: "" if pd.isna(v) else f"{v:g}"),
    ).rename(columns={"disk": "disk_mb"}).to_markdown(index=False), logger)

    variant_runs = {"raw": params.table2_mlp[2], "pca": third_runs[0]}
    variant_runs.update({f"mean_distance/{s}": r for s, r in zip(params.mean_distance_slugs, third_runs[1:])})
    variant_runs.update({f"rmse/{s}": r for s, r in zip(params.rmse_slugs, fourth_runs)})
    indexed = runs.set_index(["setting", "run"])
    points = pd.DataFrame([
        {"setting": setting, "variant": variant, "memory_mb": memory.set_index("variant").loc[variant, "memory_mb"],
         "test_acc": indexed.loc[(setting, run), "test_acc_final"]}
        for setting in settings for variant, run in variant_runs.items() if (setting, run) in indexed.index])
    save_figure(snakemake.output.pareto, memory_accuracy_figure(
        points, "Figure 16: test accuracy against training-set memory\n(the best model on every input variant)"))
    summary = "\n".join(f"{r.setting} {r.variant}: {mean_std_text(r.test_acc, 0, 1)} at {r.memory_mb:.2f} MB"
                        for r in points.itertuples())
    logger.info("figure 16 points:\n%s", summary)


run_stage(main, stage_logger("tables", snakemake.log[0]))
