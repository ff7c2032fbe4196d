"""Stage pca: fit PCA on the training split, choose k, project every split. The train file
carries the transform and the whole spectrum, from which pca_summary and figure 12 are made."""

from leanmlp.data.labelled import load_labelled
from leanmlp.mining.inputs import save_features
from leanmlp.mining.pca import choose_n_components, fit_pca
from leanmlp.nn.data_providers import scale_pixels
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


run_stage(main, stage_logger("pca", snakemake.log[0]))
