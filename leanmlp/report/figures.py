"""The learning-curve figures as the plan declares them: which runs each draws, under which
settings and seeds, and what its title and report labels say."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CurveSeries:
    """One line of a learning-curve figure: a run under a setting, over its seeds."""

    setting: str
    run: str
    seeds: tuple[int, ...]


@dataclass(frozen=True)
class CurveFigure:
    """Figure 1-11 (a paper's run under every setting) or 17 (the record run beside the same
    model under the default settings). label : its number in two digits ('Figure 01'), so that
    Snakemake's report lists the figures in order; shows : the model in words; majority :
    whether to draw the accuracy of always guessing the most common class; dropout : whether
    any of its models has dropout (names the faint running curve)."""

    title: str
    label: str
    shows: str
    series: tuple[CurveSeries, ...]
    majority: bool
    dropout: bool
