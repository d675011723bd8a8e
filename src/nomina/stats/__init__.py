"""Figures drawn from the register: each with a name, a definition, an as-of moment and
the persons behind it (`figures`, defined in `definitions`); the headline among them."""

from nomina.stats.figures import (
    Figure,
    FigureResult,
    all_figures,
    compute_figure,
    compute_figures,
    figure_persons,
    get_figure,
)
from nomina.stats.headline import Headline, headline_figures
from nomina.stats.state import register_state

__all__ = [
    "Figure",
    "FigureResult",
    "Headline",
    "all_figures",
    "compute_figure",
    "compute_figures",
    "figure_persons",
    "get_figure",
    "headline_figures",
    "register_state",
]
