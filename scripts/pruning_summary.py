"""Stage pruning_summary: what every target of one pruning method kept, class by class."""

import numpy as np

from leanmlp.atomic import write_json
from leanmlp.data.labelled import load_labelled
from leanmlp.mining.pruning import pruning_summary
from leanmlp.stage import job_label, run_stage, stage_logger


def main(logger):
    characters = load_labelled(snakemake.input.train).characters
    kept, class_sizes = {}, None
    for slug, target, path in zip(snakemake.params.slugs, snakemake.params.targets, snakemake.input.kept, strict=True):
        with np.load(path) as f:
            kept[slug] = (target, f["quotas"])
            class_sizes = f["class_sizes"]
    with np.load(snakemake.input.scores) as scores:
        summary = {"method": snakemake.wildcards.method, "n_scored": len(scores["scores"]),
                   "score_scale": str(scores["score_scale"]) if "score_scale" in scores else "0..255 pixel values",
                   **{key: scores[key].item() for key in ("n_components", "variance_captured") if key in scores}}
    summary["targets"] = pruning_summary(kept, class_sizes, characters)
    write_json(snakemake.output.summary, summary)
    logger.info("%d targets summarised", len(summary["targets"]))
    for slug, target in summary["targets"].items():
        logger.debug("%s: %d kept, %d to %d per class, %d of %d classes kept whole", slug, target["kept"],
                    target["per_class_min"], target["per_class_max"], len(target["classes_kept_whole"]),
                    len(characters))


run_stage(main, stage_logger("pruning_summary", snakemake.log[0], job_label(snakemake.wildcards)))
