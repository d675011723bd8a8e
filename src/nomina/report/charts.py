"""Charts drawn from `Chart` data with matplotlib (Agg, no pyplot, no display), as SVG for
the HTML and PDF and as PNG for the workbook. Text is set in DejaVu Sans, which ships
with matplotlib (Latin, Cyrillic, Greek ...), and an SVG carries its text as paths, so
no font is needed to view it.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PathCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from nomina.report.model import Chart
from nomina.report.worldmap import country_shapes

INK, MUTED, ACCENT, LIGHT = "#222222", "#6b6b6b", "#8c2d19", "#d9d9d9"
SUPPRESSED_COLOUR = "#bdbdbd"
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "path.simplify_threshold": 0.3,  # the map's outlines: drop what a pixel cannot show
}
WIDTH = 7.2  # inches: the text width of an A4 page with 2 cm margins, less a little
MAP_CODES_LEFT_OUT = ("aq",)  # Antarctica: room, not data


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG element to put inline in HTML: no XML prolog, DOCTYPE,
    metadata or namespace URLs, ids unique to this chart."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": chart.name}):
        figure = draw(chart)
        FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = re.sub(r' d="[^"]*"', _tenths, svg)
    svg = re.sub(r'\bid="', f'id="{chart.name}-', svg)
    svg = re.sub(r'href="#', f'href="#{chart.name}-', svg)
    svg = re.sub(r"url\(#", f"url(#{chart.name}-", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{chart.title}" ', 1)


def _tenths(match: re.Match) -> str:
    """Path coordinates (in points) to a tenth of a point: enough, and half the size."""
    return re.sub(r"(\d\.\d)\d+", r"\1", match.group(0))


def chart_png(chart: Chart, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        figure = draw(chart)
        FigureCanvasAgg(figure)  # Agg, whatever backend matplotlib was set to
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def draw(chart: Chart) -> Figure:
    try:
        painter = PAINTERS[chart.kind]
    except KeyError:
        raise ValueError(f"no way to draw a chart of kind {chart.kind!r}") from None
    return painter(chart.data)


def _months(data: dict) -> Figure:
    labels, counts = data["labels"], data["counts"]
    figure = Figure(figsize=(WIDTH, 2.8), layout="constrained")
    axes = figure.add_subplot()
    positions = range(len(labels))
    axes.bar(positions, [n or 0 for n in counts], color=ACCENT, width=0.8)
    _mark_suppressed(axes, [i for i, n in enumerate(counts) if n is None])
    step = max(1, math.ceil(len(labels) / 24))
    axes.set_xticks(list(positions)[::step], labels[::step], rotation=90, fontsize=7)
    axes.set_ylabel("persons (first contract)")
    _from_zero(axes, counts)
    _integer_axis(axes.yaxis)
    if not labels:
        _empty(axes)
    return figure


def _ranking(data: dict) -> Figure:
    labels, counts = data["labels"], data["counts"]
    figure = Figure(figsize=(WIDTH, 0.6 + 0.24 * max(len(labels), 3)), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    bars = axes.barh(positions, counts, color=ACCENT, height=0.7)
    axes.bar_label(bars, labels=[f"{n:,}" for n in counts], padding=3, fontsize=8, color=INK)
    axes.set_yticks(positions, labels)
    axes.set_xlabel("persons known with certainty")
    axes.margins(x=0.12)
    _integer_axis(axes.xaxis)
    if not labels:
        _empty(axes)
    return figure


def _world_map(data: dict) -> Figure:
    (_, _), shapes = country_shapes()
    counts: dict[str, int] = {code.lower(): n for code, n in data["counts"].items()}
    suppressed = {code.lower() for code in data["suppressed"]}
    positive = [n for n in counts.values() if n > 0]
    bounds = _class_bounds(max(positive) if positive else 1)
    colours = ListedColormap(["#fde0c5", "#f9b88a", "#f08a58", "#d9572e", "#a8321a", "#6e1a0c"][
        : len(bounds) - 1
    ])  # fmt: skip
    norm = BoundaryNorm(bounds, colours.N)
    figure = Figure(figsize=(WIDTH, 3.9), layout="constrained")
    axes = figure.add_subplot()
    drawn = {code: shape for code, shape in shapes.items() if code not in MAP_CODES_LEFT_OUT}
    plain = [code for code in drawn if code not in suppressed]
    faces = [colours(norm(counts[code])) if counts.get(code, 0) > 0 else "white" for code in plain]
    hatched = [code for code in drawn if code in suppressed]
    outline = {"edgecolors": "#9a9a9a", "linewidths": 0.25}
    axes.add_collection(PathCollection([drawn[c] for c in plain], facecolors=faces, **outline))
    if hatched:
        axes.add_collection(PathCollection([drawn[c] for c in hatched], hatch="////",
                                           facecolors=SUPPRESSED_COLOUR, **outline))  # fmt: skip
    corners = np.concatenate([shape.vertices for shape in drawn.values()])
    axes.set_xlim(corners[:, 0].min(), corners[:, 0].max())
    axes.set_ylim(corners[:, 1].min(), corners[:, 1].max())
    axes.set_aspect("equal")
    axes.axis("off")
    handles = [
        Patch(facecolor=colours(i), edgecolor="#9a9a9a", label=_class_label(bounds, i))
        for i in range(colours.N)
    ]
    if suppressed:
        handles.append(Patch(facecolor=SUPPRESSED_COLOUR, hatch="////", edgecolor="#9a9a9a",
                             label="suppressed"))  # fmt: skip
    axes.legend(handles=handles, loc="lower left", fontsize=7, frameon=False,
                title="persons", title_fontsize=7)  # fmt: skip
    return figure


def _status(data: dict) -> Figure:
    kinds, ever, current = data["kinds"], data["ever"], data["current"]
    figure = Figure(figsize=(WIDTH, 0.8 + 0.32 * max(len(kinds), 3)), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(kinds)))[::-1]
    height = 0.38
    for offset, values, colour, label in (
        (height / 2, ever, LIGHT, "ever on the timeline"),
        (-height / 2, current, ACCENT, "current status"),
    ):
        places = [p + offset for p in positions]
        bars = axes.barh(places, [n or 0 for n in values], height=height, color=colour,
                         label=label)  # fmt: skip
        axes.bar_label(bars, labels=[_count_label(n) for n in values], padding=3, fontsize=7)
    axes.set_yticks(positions, kinds)
    axes.set_xlabel("persons known with certainty")
    axes.margins(x=0.12)
    if not any([*ever, *current]):
        axes.set_xlim(0, 1)
    axes.legend(loc="lower right", fontsize=7, frameon=False)
    _integer_axis(axes.xaxis)
    return figure


def _estimate(data: dict) -> Figure:
    named, estimate, low, high = data["named"], data["estimate"], data["low"], data["high"]
    figure = Figure(figsize=(WIDTH, 1.9), layout="constrained")
    axes = figure.add_subplot()
    axes.barh([1], [named or 0], color=LIGHT, height=0.55)
    upper = high if high is not None else estimate * 2
    axes.barh([0], [estimate], color=ACCENT, height=0.55,
              xerr=[[estimate - low], [upper - estimate]], capsize=6,
              error_kw={"ecolor": INK, "elinewidth": 1.2})  # fmt: skip
    axes.text(named or 0, 1, f"  {_count_label(named)}", va="center", fontsize=8)
    interval = f"{low:,.0f} – {'∞' if high is None else f'{high:,.0f}'}"
    axes.text(upper, 0, f"  {estimate:,.0f} (95%: {interval})", va="center", fontsize=8)
    axes.set_yticks([1, 0], ["named (known with certainty)", f"estimated total ({data['method']})"])
    axes.set_xlim(0, upper * 1.45)
    axes.set_xlabel("persons")
    return figure


def _histogram(data: dict) -> Figure:
    bins, counts = data["bins"], data["counts"]
    figure = Figure(figsize=(WIDTH, 2.7), layout="constrained")
    axes = figure.add_subplot()
    positions = range(len(bins))
    axes.bar(positions, [n or 0 for n in counts], width=0.95, color=ACCENT)
    _mark_suppressed(axes, [i for i, n in enumerate(counts) if n is None])
    axes.set_xticks(list(positions), bins, rotation=90, fontsize=7)
    axes.set_xlabel("days from event to report")
    axes.set_ylabel("events")
    _from_zero(axes, counts)
    _integer_axis(axes.yaxis)
    if not bins:
        _empty(axes)
    return figure


PAINTERS: dict[str, Callable[[dict], Figure]] = {
    "months": _months,
    "ranking": _ranking,
    "world_map": _world_map,
    "status": _status,
    "estimate": _estimate,
    "histogram": _histogram,
}


def _class_bounds(largest: int) -> list[float]:
    """Class limits for the map: 1, 2, 5, 10, 20 ... (or 1, 10, 100 ... when that makes
    more than six classes), the last one past `largest`; half-way, for integer counts."""
    for steps, every in (((1, 2, 5), 10), ((1,), 10), ((1,), 100)):
        limits: list[int] = []
        power = 1
        while not limits or limits[-1] <= largest:
            limits.extend(step * power for step in steps)
            power *= every
        limits = [n for n in limits if n <= largest] + [next(n for n in limits if n > largest)]
        if len(limits) <= 7:
            break
    return [n - 0.5 for n in limits]


def _class_label(bounds: list[float], index: int) -> str:
    low, high = int(bounds[index] + 0.5), int(bounds[index + 1] - 0.5)
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def _mark_suppressed(axes, positions: list[int]) -> None:
    if positions:
        axes.plot(positions, [0] * len(positions), linestyle="none", marker="x",
                  color=MUTED, markersize=5, clip_on=False, label="suppressed")  # fmt: skip
        axes.legend(loc="best", fontsize=7, frameon=False)


def _from_zero(axes, counts: list[int | None]) -> None:
    """A count axis from 0, at least to 1 (matplotlib centres an all-zero chart on 0)."""
    top = max([n for n in counts if n] or [0])
    axes.set_ylim(0, max(top * 1.06, 1))


def _count_label(n: int | None) -> str:
    return "suppressed" if n is None else f"{n:,}"


def _integer_axis(axis) -> None:
    axis.get_major_locator().set_params(integer=True)


def _empty(axes) -> None:
    axes.text(0.5, 0.5, "no data", transform=axes.transAxes, ha="center", color=MUTED)
