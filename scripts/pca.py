"""Stage pca: fit PCA on the training split, choose k, project every split (figure 12)."""

from leanmlp.atomic import save_figure, write_json
from leanmlp.data_providers import scale_pixels
from leanmlp.datasets import load_labelled, save_features
from leanmlp.pca import choose_n_components, fit_pca
from leanmlp.plots import explained_variance_figure
from leanmlp.stage import run_stage, stage_logger


def main(logger):
    train = load_labelled(snakemake.input.train)
    inputs = scale_pixels(train.images)
    full = fit_pca(inputs)
    k = choose_n_components(full.explained_variance_ratio, **snakemake.params.rule)
    pca = full.truncate(k)
    logger.info("PCA on %d x %d training pixels ([0, 1] scale): rule %s -> k = %d, %.2f%% of the variance",
                *inputs.shape, snakemake.params.rule, k, 100 * pca.variance_captured())
    save_features(snakemake.output.train, pca.transform(inputs), train.labels, train.characters, pca)
    for split in ("valid", "test"):
        data = load_labelled(snakemake.input[split])
        save_features(snakemake.output[split], pca.transform(scale_pixels(data.images)),
                      data.labels, data.characters)
    write_json(snakemake.output.summary, {
        "rule": dict(snakemake.params.rule), "n_components": k, "n_features": inputs.shape[1],
        "variance_captured": pca.variance_captured(), "transform_bytes": pca.nbytes(),
        "explained_variance_ratio": full.explained_variance_ratio.tolist()})
    save_figure(snakemake.output.figure, explained_variance_figure(
        full.explained_variance_ratio, k,
        f"Figure 12: PCA on {inputs.shape[0]:,} training images ({inputs.shape[1]} pixels)"))


run_stage(main, stage_logger("pca", snakemake.log[0]))
