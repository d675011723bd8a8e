"""Reports: the register's figures for readers, built once (`build_report`) and written as
HTML (one self-contained file), PDF (WeasyPrint) or XLSX (openpyxl).

>>> report = build_report(store)                    # public: disclosure-controlled
>>> write_report(report, Path("figures.pdf"))       # the format from the suffix

Built on nomina.stats (figures, disclosure control), nomina.estimate and
nomina.timeline; none of them imports this package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nomina.report.build import DEFAULT_K, build_report
from nomina.report.data import EmptyRegister
from nomina.report.model import INTERNAL, PUBLIC, Chart, EstimateSummary, Report

FORMATS = ("html", "pdf", "xlsx")


def render(report: Report, format: str) -> bytes:
    """The report in one of FORMATS, as bytes (HTML in UTF-8)."""
    if format == "html":
        from nomina.report.html import render_html

        return render_html(report).encode("utf-8")
    if format == "pdf":
        from nomina.report.pdf import render_pdf

        return render_pdf(report)
    if format == "xlsx":
        from nomina.report.xlsx import render_xlsx

        return render_xlsx(report)
    raise ValueError(f"unknown report format {format!r}: use {', '.join(FORMATS)}")


def format_of(path: Path | str, format: str | None = None) -> str:
    """The format asked for, or the one the file's suffix names (.html/.htm, .pdf, .xlsx)."""
    if format is not None:
        chosen = format.lower().lstrip(".")
        if chosen not in FORMATS:
            raise ValueError(f"unknown report format {format!r}: use {', '.join(FORMATS)}")
        return chosen
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = "html" if suffix == "htm" else suffix
    if suffix not in FORMATS:
        raise ValueError(
            f"cannot tell the report format from {str(path)!r}: give --format "
            f"({', '.join(FORMATS)}) or a file ending in .html, .pdf or .xlsx"
        )
    return suffix


def write_report(
    report: Report,
    path: Path,
    format: str | None = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Render and write the report; the bytes written."""
    chosen = format_of(path, format)
    if progress:
        progress(f"render {chosen}")
    data = render(report, chosen)
    path.write_bytes(data)
    return len(data)


__all__ = [
    "DEFAULT_K",
    "FORMATS",
    "INTERNAL",
    "PUBLIC",
    "Chart",
    "EmptyRegister",
    "EstimateSummary",
    "Report",
    "build_report",
    "format_of",
    "render",
    "write_report",
]
