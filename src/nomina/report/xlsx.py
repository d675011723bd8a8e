"""The report as a workbook: a summary sheet (headline, as-of, notes, estimate), a sheet
per figure (its definition in a header row, then its table), and a sheet of charts as
images."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font

from nomina.report.charts import chart_png
from nomina.report.model import Report, as_of_text

SUPPRESSED = "suppressed"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CHART_ROWS = 24  # rows between charts on the charts sheet (a chart ~ 7 in wide)


def render_xlsx(report: Report) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    _summary(summary, report)
    used = {"Summary", "Charts"}
    for figure in report.figures:
        sheet = book.create_sheet(_sheet_name(figure.name, used))
        sheet.append([figure.name, _cell(figure.value)])
        sheet.append(["definition", figure.definition])
        sheet.append(["as of", as_of_text(figure.as_of)])
        sheet.append([])
        for row in range(1, 4):
            sheet.cell(row, 1).font = BOLD
            sheet.cell(row, 2).alignment = WRAP
        sheet.column_dimensions["B"].width = 90
        sheet.column_dimensions["A"].width = 24
        if figure.table is not None:
            columns = [*figure.labels, "count", *(("percent",) if figure.share else ())]
            sheet.append(columns)
            for cell in sheet[sheet.max_row]:
                cell.font = BOLD
            for row in figure.rows():
                sheet.append([_cell(row[name]) for name in columns])
    charts = book.create_sheet("Charts")
    for position, chart in enumerate(report.charts):
        top = 1 + position * CHART_ROWS
        charts.cell(top, 1, chart.title).font = BOLD
        image = Image(io.BytesIO(chart_png(chart, dpi=96)))
        image.anchor = f"A{top + 1}"
        charts.add_image(image)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary(sheet, report: Report) -> None:
    rows = [
        ("report", report.title),
        ("headline", report.headline),
        ("as of", report.as_of_text()),
        ("made", as_of_text(report.made)),
        ("variant", report.variant),
    ]
    if report.public:
        rows.append(("disclosure control", f"counts below {report.k} suppressed"))
    rows.extend(("note", note) for note in report.notes)
    if report.estimate is not None:
        estimate = report.estimate
        low, high = estimate.interval
        rows += [
            ("estimate", f"{estimate.estimate:,.0f} ({estimate.method})"),
            ("estimate interval (95%)", f"{low:,.0f} – {'∞' if high is None else f'{high:,.0f}'}"),
            ("estimate definition", estimate.definition),
            *(("estimate warning", warning) for warning in estimate.warnings),
        ]
    for name, value in rows:
        sheet.append([name, value])
    for row in sheet.iter_rows():
        row[0].font = BOLD
        row[1].alignment = WRAP
    sheet["B2"].font = Font(bold=True, size=12)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 110


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet title Excel accepts: 31 characters at most, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
    title, n = base, 2
    while title.lower() in {u.lower() for u in used}:
        suffix = f" {n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _cell(value):
    return SUPPRESSED if value is None else value
