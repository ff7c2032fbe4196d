"""Every way a config selects training images, and the targets of each: the paper's two scores,
the field's EL2N score, and the random control at the targets of the methods it controls."""

from leanmlp.exceptions import ConfigError
from leanmlp.mining.pruning import PRUNING_METHODS, target_slug
from leanmlp.mining.random_control import RANDOM_CONTROL

FIELD_METHODS = ("el2n",)
# methods that score every image and keep the lowest per class (the prune stage)
SCORED_METHODS = (*PRUNING_METHODS, *FIELD_METHODS)
SELECTION_METHODS = (*SCORED_METHODS, RANDOM_CONTROL)

# How the figures and tables name each method.
METHOD_LABELS = {"mean_distance": "distance to the class mean", "rmse": "PCA reconstruction RMSE",
                 "el2n": "EL2N score", RANDOM_CONTROL: "random subset (same class quotas)"}


def method_targets(mining: dict) -> dict[str, list[dict]]:
    """{method: its target dicts, in order}. The random control takes every target of the
    methods it controls, once per slug, in the order they first appear."""
    targets = {method: list(mining[method]["targets"]) for method in SCORED_METHODS}
    controlled = {}
    for method in mining[RANDOM_CONTROL]["controls"]:
        for target in targets[method]:
            controlled.setdefault(target_slug(target), target)
    targets[RANDOM_CONTROL] = list(controlled.values())
    return targets


def method_slugs(mining: dict) -> dict[str, list[str]]:
    """{method: the slug of each of its targets, in order}."""
    return {method: [target_slug(t) for t in targets] for method, targets in method_targets(mining).items()}


def controllers(mining: dict, slug: str) -> list[str]:
    """The methods the random set of ``slug`` controls (those of its controls with that target)."""
    slugs = method_slugs(mining)
    return [method for method in mining[RANDOM_CONTROL]["controls"] if slug in slugs[method]]


def check_controls(mining: dict) -> None:
    """One random set stands for every controlled method with its target, and reads its quotas
    from the first of them. A total, a fraction or a count per class keeps the same quotas of
    any method (a cut of a cut to the same total keeps what the total keeps of the full set); a
    ``proportional`` target of RMSE does not (its share is of the set its mean-distance cut left)."""
    for slug in method_slugs(mining)[RANDOM_CONTROL]:
        methods = controllers(mining, slug)
        if slug.startswith("proportional") and "rmse" in methods and len(methods) > 1:
            raise ConfigError(f"mining.random.controls: rmse's {slug} keeps that share of the set mining.rmse.after "
                              f"leaves, {methods[0] if methods[0] != 'rmse' else methods[1]}'s of the full training "
                              "set: one random set cannot control both; give one of them another target")
