"""Figures drawn from the register (issue #4 grows this stage: timelines, as-of, disclosure)."""

from nomina.stats.headline import Headline, headline_figures

__all__ = ["Headline", "headline_figures"]
