# leanmlp: reproduce "pure-numpy MLP + PCA + sample pruning on EMNIST Balanced".
#   snakemake --cores 4                                   the paper's run (downloads EMNIST)
#   snakemake --cores 4 --configfile config/demo.yaml     the offline demo (sklearn digits)
#   snakemake --cores 2 data                              one stage by name

from snakemake.utils import min_version

min_version("9.0")


# The paper's config is the default only: Snakemake would otherwise deep-merge a user's
# --configfile over it, and a key the user left out would silently keep the paper's value.
if not workflow.overwrite_configfiles:

    configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/mining.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/baselines.smk"
include: "workflow/rules/report.smk"


# Every result is a target, not only the report: a lost or deleted one (a job's metrics, a
# table the report was made from) is made again, with whatever reads it.
rule all:
    default_target: True
    input:
        rules.report.output,
        rules.effective_config.output,
        rules.figures.input,
        rules.data.input,
        rules.mining.input,
        rules.mlp.input,
        rules.baselines.input,
        rules.report.input.baseline_predictions,
        rules.collect.output,


onsuccess:
    if Path(f"{PLAN.results}/report.md").exists():
        logger.info(
            f"The report: {PLAN.results}/report.md, and rendered {PLAN.results}/report_page.html. "
            f"One HTML file with every figure and table: snakemake --report {PLAN.results}/report.html "
            f"with this run's --configfile."
        )
