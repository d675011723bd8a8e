"""The report as PDF: the same HTML laid out by WeasyPrint (a real CSS paged-media
renderer, on Pango), with the DejaVu fonts that ship with matplotlib embedded, so the
PDF does not depend on the fonts a machine has."""

from __future__ import annotations

from pathlib import Path

import matplotlib

from nomina.report.html import render_html
from nomina.report.model import Report

FONT_FILES = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}


def render_pdf(report: Report) -> bytes:
    from weasyprint import CSS, HTML  # imported late: it loads Pango

    return HTML(string=render_html(report)).write_pdf(stylesheets=[CSS(string=font_faces())])


def font_faces() -> str:
    """@font-face rules for DejaVu Sans from matplotlib's own font folder (local files)."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return "\n".join(
        f'@font-face {{ font-family: "DejaVu Sans"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{(folder / name).as_uri()}"); }}'
        for (weight, style), name in FONT_FILES.items()
        if (folder / name).is_file()
    )
