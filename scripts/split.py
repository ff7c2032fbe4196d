"""Stage split: pool the converted parts, shuffle with the seed, write train/valid/test and their counts."""

import os

import numpy as np
import pandas as pd

from leanmlp.atomic import atomic_path, write_json
from leanmlp.datasets import LabelledImages, load_labelled, save_labelled
from leanmlp.seeding import stage_rng
from leanmlp.splits import SPLIT_NAMES, class_counts, pool, resolve_sizes, split_indices
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    parts = [load_labelled(path) for path in snakemake.input.parts]
    pooled, origin_part, origin_index = pool(parts)
    n_classes = len(pooled.characters)
    counts = resolve_sizes(snakemake.params.sizes, len(pooled.labels))
    logger.info("pool of %d images from parts %s; drawing %s with seed %d", len(pooled.labels),
                snakemake.params.parts, counts, snakemake.params.seed)
    indices = split_indices(len(pooled.labels), counts, stage_rng(snakemake.params.seed, "split"))

    per_class = {}
    summary = {"parts": list(snakemake.params.parts), "pool_size": len(pooled.labels),
               "n_classes": n_classes, "image_shape": list(pooled.images.shape[1:]), "splits": {}}
    for name in SPLIT_NAMES:
        index = indices[name]
        subset = LabelledImages(pooled.images[index], pooled.labels[index], pooled.characters)
        path = snakemake.output[name]
        save_labelled(path, subset, origin_part=origin_part[index], origin_index=origin_index[index])
        per_class[name] = class_counts(subset.labels, n_classes)
        n_pixels = subset.images[0].size
        empty = [pooled.characters[c] for c in np.flatnonzero(per_class[name] == 0)]
        if empty:
            logger.warning("%s: classes %s have no images (the chosen parts do not contain them); they stay in "
                           "the mapping with zero images, and later stages skip them", name, empty)
        summary["splits"][name] = {
            "n_samples": len(index),
            "empty_classes": empty,
            "per_class_min": int(per_class[name].min()),
            "per_class_max": int(per_class[name].max()),
            "disk_bytes": os.path.getsize(path),
            "memory_bytes_uint8": len(index) * n_pixels,
            "memory_bytes_float32": len(index) * n_pixels * 4,
        }
        logger.info("%s: %d images, %d to %d per class, %.1f MB on disk", name, len(index),
                    per_class[name].min(), per_class[name].max(), os.path.getsize(path) / 1e6)

    table = pd.DataFrame({"label": np.arange(n_classes), "character": pooled.characters,
                          **per_class})
    with atomic_path(snakemake.output.class_counts) as tmp:
        table.to_csv(tmp, index=False)
    write_json(snakemake.output.summary, summary)


run_stage(main, stage_logger("split", snakemake.log[0]))
