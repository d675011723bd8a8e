"""Reports (`nomina report`): one model rendered as HTML, PDF and XLSX, public or internal.

Two registers: a synthetic world of 300 persons (which also trains the linkage model,
since a tiny world cannot train one), and a hand-checked world resolved with that model:
- Thapa Ram (NP): contract 12.01.2024; killed 10.06.2024; "captured 2024-08" by the
  open-source list (D): contested, killed stands.
- Gurung Bishal (NP): contract 15.02.2025; missing 2025-05.
- Rai Suman (IN): contract 03.2024; captured 2024-09-01; exchanged 2025-06-01.
- Perera Nimal (LK): contract "2024"; captured 2025-03-01: held.
- Kim Chol (KP): captured 2024-12-01, exchanged 2025-08-01.
- Silva Joao (BR): open-source list only, no document: not known with certainty.
The first three sources are resolved first (the as-of moment), then the other two.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from nomina.cli import app
from nomina.ingest import ingest_file, load_source_config
from nomina.report import build_report, format_of, render
from nomina.report.chartdata import lag_bins, median_lag
from nomina.report.headline import report_headline
from nomina.report.worldmap import country_shapes, parse_path
from nomina.resolve.run import resolve_register
from nomina.stats import compute_figures
from nomina.stats.figures import FigureResult, get_figure
from nomina.store import open_store
from nomina.store.schema import resolution_runs
from nomina.timeline import build_timeline
from tests.conftest import write_csv

SOURCES = {
    "contracts": (
        "contracts", "B", "2025-10-01",
        {"FIO": "full_name", "Born": "birth_date", "Citizenship": "citizenship",
         "Passport": "document_number", "Contract": "contracted"},
        [["Thapa Ram", "05.03.1998", "Nepal", "PA1234567", "12.01.2024"],
         ["Gurung Bishal", "17.08.1995", "Nepal", "PB2222333", "15.02.2025"],
         ["Rai Suman", "07.07.1990", "India", "PC3333444", "03.2024"],
         ["Perera Nimal", "11.11.1992", "Sri Lanka", "PD4444555", "2024"]],
    ),
    "prisoners": (
        "prisoner_registration", "A", "2025-11-01",
        {"FIO": "full_name", "Born": "birth_date", "Citizenship": "citizenship",
         "Passport": "document_number", "Captured": "captured"},
        [["Perera Nimal", "11.11.1992", "Sri Lanka", "PD4444555", "01.03.2025"],
         ["Rai Suman", "07.07.1990", "India", "PC3333444", "01.09.2024"],
         ["Kim Chol", "02.02.1999", "North Korea", "KP0099887", "01.12.2024"]],
    ),
    "casualties": (
        "casualty_report", "C", "2025-11-05",
        {"FIO": "full_name", "Born": "birth_date", "Citizenship": "citizenship",
         "Passport": "document_number", "Status": "status", "Date": "status_date"},
        [["Thapa Ram", "05.03.1998", "Nepal", "PA1234567", "killed", "10.06.2024"],
         ["Gurung Bishal", "17.08.1995", "Nepal", "PB2222333", "missing", "05.2025"]],
    ),
    "exchanges": (
        "other", "A", "2025-11-15",
        {"FIO": "full_name", "Born": "birth_date", "Citizenship": "citizenship",
         "Passport": "document_number", "Exchanged": "exchanged"},
        [["Rai Suman", "07.07.1990", "India", "PC3333444", "01.06.2025"],
         ["Kim Chol", "02.02.1999", "North Korea", "KP0099887", "01.08.2025"]],
    ),
    "open_source": (
        "open_source", "D", "2025-11-20",
        {"FIO": "full_name", "Born": "birth_date", "Citizenship": "citizenship",
         "Status": "status", "Date": "status_date"},
        [["Thapa Ram", "05.03.1998", "Nepal", "captured", "08.2024"],
         ["Silva Joao", "", "Brazil", "killed", "02.2025"]],
    ),
}  # fmt: skip
NAMES = sorted({row[0] for *_, rows in SOURCES.values() for row in rows})
FIRST, LATER = ("contracts", "prisoners", "casualties"), ("exchanges", "open_source")
HEADLINE = (
    "At least 5 foreign nationals from 4 countries and territories are known by name with "
    "certainty; 1 of them has been killed. 1 is held as a prisoner of war, from 1 country."
)
FAST = {"iterations": 300, "seed": 3}  # a short LCMCR chain: the tests check wiring
runner = CliRunner()


def ingest(store, folder: Path, names) -> None:
    for name in names:
        kind, grade, received, columns, rows = SOURCES[name]
        data = write_csv(folder / f"{name}.csv", [list(columns), *rows])
        mapping = "".join(f"  {header}: {field}\n" for header, field in columns.items())
        config = folder / f"{name}.yaml"
        config.write_text(
            f"source:\n  title: {name}\n  kind: {kind}\n  reliability: {grade}\n"
            f"  received: {received}\nfile:\n  delimiter: ';'\ncolumns:\n{mapping}",
            encoding="utf-8",
        )
        ingest_file(store, data, load_source_config(config))


@pytest.fixture(scope="module")
def synthetic(small_resolved_world):
    """A resolved synthetic world of 300 persons, and the model its resolution trained."""
    store = open_store(small_resolved_world.url)
    yield store, small_resolved_world.model, small_resolved_world.url
    store.dispose()


@pytest.fixture(scope="module")
def hand(synthetic, tmp_path_factory):
    """The hand-checked world: three sources resolved (the as-of moment), then two more."""
    _, model, _ = synthetic
    folder = tmp_path_factory.mktemp("report-hand")
    url = f"sqlite:///{folder / 'register.db'}"
    store = open_store(url)
    ingest(store, folder, FIRST)
    resolve_register(store, model=model)
    build_timeline(store)
    with store.engine.connect() as connection:
        moment = connection.execute(select(resolution_runs.c.finished_at)).scalar_one()
    ingest(store, folder, LATER)
    resolve_register(store)
    build_timeline(store)
    yield store, moment, url
    store.dispose()


@pytest.fixture(scope="module")
def internal_html(hand) -> str:
    store, _, _ = hand
    return render(build_report(store, public=False, **FAST), "html").decode("utf-8")


def external_references(html: str) -> list[str]:
    """Every URL the page would fetch or link to outside itself."""
    patterns = (
        r"""\b(?:src|href|action|poster|data|srcset)\s*=\s*["']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^"'\s>]*)""",
        r"""url\(\s*["']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^)"'\s]*)""",
        r"""@import\s+[^;]*""",
    )
    return [m.group(0) for p in patterns for m in re.finditer(p, html, flags=re.I)]


def number_cells(html: str) -> list[str]:
    """The numbers in the HTML's tables, less the values of figures that count countries
    (not persons: they are published as they are)."""
    for figure in ("countries", "prisoner_countries", "requesting_states"):
        assert get_figure(figure).value == "labels"
        html = re.sub(rf'<tr><td><a href="#figure-{figure}">.*?</tr>', "", html, flags=re.S)
    return re.findall(r'<td class="number[^"]*">([^<]*)</td>', html)


def published_counts(report) -> list[int | None]:
    """Every count of persons or events the report publishes: figure values and cells,
    chart numbers (countries counted by label are not counts of persons)."""
    counts: list[int | None] = []
    for figure in report.figures:
        if get_figure(figure.name).value != "labels":
            counts.append(figure.value)
        counts.extend((figure.table or {}).values())
    for chart in report.charts:
        data = chart.data
        for key in ("counts", "ever", "current"):
            values = data.get(key)
            counts.extend(values.values() if isinstance(values, dict) else values or [])
        if chart.kind == "estimate":
            counts.append(data["named"])
    return counts


def test_html_has_the_headline_every_definition_and_nothing_external(hand, internal_html):
    html = internal_html
    assert f'<p class="headline" id="headline">{HEADLINE}</p>' in html
    store, _, _ = hand
    for figure in compute_figures(store):
        assert str(escape(figure.definition)) in html, figure.name
    assert external_references(html) == []
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and "<link" not in html and "<img" not in html
    for name in ("contracts_per_month", "top_countries", "world_map", "status_flow",
                 "recording_lag"):  # fmt: skip
        assert re.search(rf'<figure id="chart-{name}">\s*<h3>[^<]+</h3>\s*<svg ', html), name
    # internal: unsuppressed tables, the smallest cells included
    assert "suppressed" not in " ".join(number_cells(html))
    assert '<td>Nepal (NP)</td><td class="number">2</td>' in html
    assert '<td>North Korea (KP)</td><td class="number">1</td>' in html


def test_the_public_report_lists_no_person_and_no_cell_below_k(hand):
    store, _, _ = hand
    report = build_report(store, public=True, k=2, **FAST)
    html = render(report, "html").decode("utf-8")
    for name in NAMES:
        assert name not in html and name.split()[0] not in html
    assert "person_id" not in html
    counts = published_counts(report)
    assert counts and all(n is None or n == 0 or n >= 2 for n in counts)
    assert None in counts  # something was small: suppressed, not shown
    shown = [int(n.replace(",", "")) for n in number_cells(html) if re.fullmatch(r"[\d,]+", n)]
    assert shown and all(n == 0 or n >= 2 for n in shown)
    assert '<td>Nepal (NP)</td><td class="number">2</td>' in html
    assert '<td>India (IN)</td><td class="number suppressed">suppressed</td>' in html
    # killed (1) is a suppressed table total: the headline does not give it
    assert report.headline.startswith("At least 5 foreign nationals from 4 countries")
    assert "an undisclosed number of them have been killed" in report.headline
    assert "1 of them" not in report.headline


def test_public_report_of_a_larger_world_with_the_estimate(synthetic):
    store, _, _ = synthetic
    report = build_report(store, public=True, k=10, **FAST)
    assert all(n is None or n == 0 or n >= 10 for n in published_counts(report))
    confirmed = {r.name: r.value for r in compute_figures(store)}["known_with_certainty"]
    assert report.headline.startswith(f"At least {confirmed:,} foreign nationals")
    assert report.estimate is not None and report.estimate.named == confirmed
    low, high = report.estimate.interval
    assert low <= report.estimate.estimate and (high is None or report.estimate.estimate <= high)
    assert report.chart("named_vs_estimate") is not None
    html = render(report, "html").decode("utf-8")
    assert "Estimate</h2>" in html and f"{report.estimate.estimate:,.0f}" in html
    assert external_references(html) == [] and "http" not in html


def test_no_estimate_with_fewer_than_three_sources(synthetic, tmp_path):
    _, model, _ = synthetic
    store = open_store(f"sqlite:///{tmp_path / 'register.db'}")
    ingest(store, tmp_path, ("contracts", "prisoners"))
    resolve_register(store, model=model)
    build_timeline(store)
    report = build_report(store, public=False, **FAST)
    store.dispose()
    assert report.estimate is None and report.chart("named_vs_estimate") is None
    html = render(report, "html").decode("utf-8")
    assert "No estimate: multiple systems estimation needs at least 3 sources" in html
    assert "the register has 2." in html


def test_no_estimate_where_too_few_persons_are_on_two_sources(synthetic, monkeypatch):
    """An estimate the models give but the overlap cannot support is not published."""
    from nomina.report import estimation

    store, _, _ = synthetic
    real = estimation.estimate_table

    def thin(*args, **kwargs):
        return {**real(*args, **kwargs), "estimable": False}

    monkeypatch.setattr(estimation, "estimate_table", thin)
    summary, note = estimation.estimate_summary(store, 100, iterations=500)
    assert summary is None and note.startswith("No estimate: too few persons are named by two")
    monkeypatch.setattr(estimation, "estimate_table", real)
    summary, note = estimation.estimate_summary(store, 100, iterations=500)
    assert summary is not None and note is None


def test_as_of_passes_through_to_the_figures(hand):
    store, moment, _ = hand
    report = build_report(store, public=False, as_of=moment, **FAST)
    then = {r.name: r.to_dict() for r in compute_figures(store, as_of=moment)}
    assert {r.name: r.to_dict() for r in report.figures} == then
    assert then["prisoners_held"]["value"] == 3  # Rai, Perera, Kim: no exchange known yet
    assert report.headline.endswith("3 are held as prisoners of war, from 3 countries.")
    assert report.estimate is None and any("as of a past date" in n for n in report.notes)


def test_pdf_is_a_real_pdf_whose_first_page_is_not_blank(hand):
    pdfium = pytest.importorskip("pypdfium2")
    store, _, _ = hand
    data = render(build_report(store, public=False, estimate=False), "pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    document = pdfium.PdfDocument(data)
    assert len(document) >= 1
    page = document[0]
    text = page.get_textpage().get_text_range()
    assert "At least 5 foreign nationals" in " ".join(text.split())
    pixels = np.asarray(page.render(scale=1).to_pil().convert("L"), dtype=float)
    assert pixels.var() > 100  # not one colour
    assert (pixels < 128).mean() > 0.01  # and ink on it
    document.close()


def test_xlsx_has_a_sheet_per_figure_with_its_definition(hand):
    store, _, _ = hand
    report = build_report(store, public=True, k=2, estimate=False)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert book.sheetnames[0] == "Summary" and "Charts" in book.sheetnames
    assert book["Summary"]["B2"].value == report.headline
    for figure in report.figures:
        sheet = book[figure.name]
        assert [sheet["A2"].value, sheet["B2"].value] == ["definition", figure.definition]
        assert sheet["A1"].value == figure.name
    killed = [list(row) for row in book["killed"].iter_rows(min_row=5, values_only=True)]
    assert killed[0] == ["country", "count"] and ["NP", "suppressed"] in killed
    assert len(book["Charts"]._images) == len(report.charts)


def test_report_command_and_its_errors(hand, tmp_path):
    _, _, url = hand
    out = tmp_path / "figures.html"
    done = runner.invoke(app, ["--db", url, "report", "--out", str(out), "--no-estimate"])
    assert done.exit_code == 0, done.output
    page = out.read_text(encoding="utf-8")  # public by default, k = 10: all of it small
    assert page.startswith("<!DOCTYPE html>") and "nomina · public report" in page
    assert "Fewer than 10 foreign nationals" in page and "Thapa" not in page
    errors = {
        ("--out", str(tmp_path / "figures.docx")): "cannot tell the report format",
        ("--out", str(out), "--format", "docx"): "unknown report format 'docx'",
        ("--out", str(tmp_path / "no" / "such" / "r.pdf")): "cannot write",
        ("--out", str(tmp_path), "--format", "html"): "it is a folder",
        ("--out", str(out), "--as-of", "yesterday"): "--as-of 'yesterday'",
        ("--out", str(out), "--internal", "--k", "5"): "--k goes with --public",
        ("--out", "-"): "needs --format",
    }
    for arguments, message in errors.items():
        failed = runner.invoke(app, ["--db", url, "report", *arguments])
        assert failed.exit_code == 1, (arguments, failed.output)
        assert message in failed.output, (arguments, failed.output)
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    failed = runner.invoke(app, ["--db", empty, "report", "--out", str(out)])
    assert failed.exit_code == 1
    assert "nothing resolved yet: run nomina resolve" in failed.output


def test_report_parts_without_a_register():
    assert [format_of(name) for name in ("a.HTML", "a.htm", "b.pdf", "c.xlsx")] == [
        "html", "html", "pdf", "xlsx"
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown report format"):
        format_of("a.html", "png")
    # SVG path data, relative and absolute, with a smooth curve (S) and implicit line-tos
    path = parse_path("m10 10 30 0v20h-30zM100 100c0 10 10 10 10 0s10-10 10 0")
    assert path.vertices[:5].tolist() == [[10, 10], [40, 10], [40, 30], [10, 30], [10, 10]]
    assert path.vertices[-1].tolist() == [120, 100]
    _, shapes = country_shapes()
    assert {"np", "in", "kp", "lk", "ua", "br"} <= set(shapes) and len(shapes) > 150
    assert lag_bins({-3: 1, 0: 2, 29: 1, 45: 4}) == {"before the event": 1, "0–29": 3, "30–59": 4}
    assert median_lag({1: 1, 5: 1, 9: 2}) == 7.0
    one = {
        name: FigureResult(name, "", None, value, (), None)
        for name, value in (("known_with_certainty", 2), ("countries", 1), ("killed", 0),
                            ("prisoners_held", 0), ("prisoner_countries", 0))
    }  # fmt: skip
    assert report_headline(one) == (
        "At least 2 foreign nationals from 1 country and territories are known by name "
        "with certainty; 0 of them have been killed. None is held as a prisoner of war."
    )
