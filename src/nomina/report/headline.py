"""The report's headline is the register's (`nomina.stats.headline`), from the figures
the report publishes: the disclosure-controlled ones in a public report."""

from __future__ import annotations

from collections.abc import Mapping

from nomina.stats.figures import FigureResult
from nomina.stats.headline import HEADLINE_FIGURES, headline_sentence


def report_headline(figures: Mapping[str, FigureResult], k: int | None = None) -> str:
    values = {name: figures[name].value for name in HEADLINE_FIGURES if name in figures}
    return headline_sentence(values, k)
