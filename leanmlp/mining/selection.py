"""Every way a config selects training images, and the targets of each: the paper's two scores,
the field's EL2N score, and the random control at the targets of the methods it controls."""

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
