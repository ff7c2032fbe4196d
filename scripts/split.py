"""Stage split: pool the converted parts, shuffle with the seed, write train/valid/test."""

import numpy as np

from leanmlp.data.labelled import LabelledImages, load_labelled, save_labelled
from leanmlp.data.splits import SPLIT_NAMES, class_counts, pool, resolve_sizes, split_indices
from leanmlp.seeding import stage_rng
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    parts = [load_labelled(path) for path in snakemake.input.parts]
    pooled, origin_part, origin_index = pool(parts)
    n_classes = len(pooled.characters)
    counts = resolve_sizes(snakemake.params.sizes, len(pooled.labels))
    logger.info("pool of %d images from parts %s; drawing %s with seed %d", len(pooled.labels),
                snakemake.params.parts, counts, snakemake.params.seed)
    indices = split_indices(len(pooled.labels), counts, stage_rng(snakemake.params.seed, "split"))
    for name in SPLIT_NAMES:
        index = indices[name]
        subset = LabelledImages(pooled.images[index], pooled.labels[index], pooled.characters)
        save_labelled(snakemake.output[name], subset, origin_part=origin_part[index],
                      origin_index=origin_index[index])
        per_class = class_counts(subset.labels, n_classes)
        empty = [pooled.characters[c] for c in np.flatnonzero(per_class == 0)]
        if empty:
            logger.warning("%s: classes %s have no images (the chosen parts do not contain them); they stay in "
                           "the mapping with zero images, and later stages skip them", name, empty)
        logger.info("%s: %d images, %d to %d per class", name, len(index), per_class.min(), per_class.max())


run_stage(main, stage_logger("split", snakemake.log[0]))
