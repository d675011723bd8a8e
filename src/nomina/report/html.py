"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no URL to
fetch anything from (it opens offline, and prints to the same PDF)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape

from nomina.report.chartdata import country_name
from nomina.report.charts import chart_svg
from nomina.report.model import Report, as_of_text
from nomina.report.templates import CSS, TEMPLATE

SUPPRESSED = "suppressed"


def render_html(report: Report) -> str:
    environment = Environment(autoescape=True, undefined=StrictUndefined)
    as_of = report.as_of_text()
    css = (
        Environment(undefined=StrictUndefined)
        .from_string(CSS)
        .render(variant=report.variant, as_of=as_of)
    )
    return environment.from_string(TEMPLATE).render(
        report=report,
        css=Markup(css),
        as_of=as_of,
        made=as_of_text(report.made),
        charts=[(chart, Markup(chart_svg(chart))) for chart in report.charts],
        number_cell=number_cell,
        shown=shown,
        label_text=label_text,
        as_of_text=as_of_text,
    )


def shown(value: Any, *, percent: bool = False) -> str:
    if value is None:
        return SUPPRESSED
    if percent:
        return f"{value:.1f}%"
    return f"{value:,}" if isinstance(value, int) else str(value)


def number_cell(value: Any, *, percent: bool = False) -> Markup:
    css = "number suppressed" if value is None else "number"
    return Markup('<td class="{}">{}</td>').format(css, shown(value, percent=percent))


def label_text(column: str, value: Any) -> Markup:
    """A row label; a country code with its name."""
    if column == "country" and isinstance(value, str) and country_name(value) != value:
        return escape(f"{country_name(value)} ({value})")
    return escape(value)
