"""The report's HTML template and stylesheet (Jinja2). Kept as Python strings so they
install with the package; one template serves the HTML file and the PDF (print CSS).
"""

CSS = """
@page {
  size: A4;
  margin: 18mm 16mm 20mm 16mm;
  @bottom-left { content: "nomina · {{ variant }} report · as of {{ as_of }}";
                 font: 7pt "DejaVu Sans", sans-serif; color: #6b6b6b; }
  @bottom-right { content: counter(page) " / " counter(pages);
                  font: 7pt "DejaVu Sans", sans-serif; color: #6b6b6b; }
}
html { font: 10pt/1.45 "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #222; }
body { max-width: 190mm; margin: 0 auto; padding: 0 4mm; }
header { border-bottom: 2px solid #8c2d19; margin-bottom: 4mm; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 8pt; color: #8c2d19;
          margin: 0; }
h1 { font-size: 17pt; margin: 1mm 0 1mm 0; line-height: 1.2; }
h2 { font-size: 13pt; margin: 7mm 0 2mm 0; border-bottom: 1px solid #d9d9d9; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm 0; }
.as-of { color: #6b6b6b; margin: 0 0 2mm 0; }
.headline { font-size: 13pt; line-height: 1.4; font-weight: bold; margin: 4mm 0; }
.internal .kicker, .internal h1 { color: #a00; }
.notes { font-size: 8.5pt; color: #444; background: #f4f1ee; padding: 2mm 3mm;
         border-left: 3px solid #8c2d19; }
.notes p { margin: 1mm 0; }
figure { margin: 3mm 0 5mm 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 8pt; color: #555; margin-top: 1mm; }
figcaption p { margin: .5mm 0; }
table { border-collapse: collapse; font-size: 8.5pt; margin: 1mm 0 2mm 0; }
th, td { padding: .6mm 2.5mm; border-bottom: 1px solid #e4e4e4; text-align: left;
         vertical-align: top; }
th { border-bottom: 1px solid #999; font-weight: bold; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums;
                       white-space: nowrap; }
td.suppressed { color: #888; font-style: italic; }
table.key td:first-child { white-space: nowrap; }
table.estimate th { white-space: nowrap; border-bottom: 1px solid #e4e4e4; }
table.estimate td.number { text-align: left; }
.definition { font-size: 8.5pt; color: #444; margin: 0 0 1mm 0; }
.meta { font-size: 8pt; color: #6b6b6b; margin: 0; }
section.figure { break-inside: avoid-page; }
.warnings { font-size: 8pt; color: #6b4a00; }
footer { margin-top: 8mm; font-size: 7.5pt; color: #6b6b6b; border-top: 1px solid #d9d9d9; }
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nomina">
<title>{{ report.title }} – as of {{ as_of }}</title>
<style>{{ css }}</style>
</head>
<body class="{{ report.variant }}">
<header>
<p class="kicker">nomina · {{ report.variant }} report</p>
<h1>{{ report.title }}</h1>
<p class="as-of">Figures as of {{ as_of }}{% if report.asked_as_of %} (what the register knew
then){% endif %}. Made {{ made }}.</p>
</header>

<p class="headline" id="headline">{{ report.headline }}</p>

<div class="notes">
{% for note in report.notes %}<p>{{ note }}</p>
{% endfor %}</div>

<h2>Key figures</h2>
<table class="key">
<thead><tr><th>figure</th><th class="number">value</th><th>definition</th></tr></thead>
<tbody>
{% for figure in report.figures %}<tr><td><a href="#figure-{{ figure.name }}">{{ figure.name }}</a></td>
{{ number_cell(figure.value) }}<td class="definition">{{ figure.definition }}</td></tr>
{% endfor %}</tbody>
</table>

<h2>Charts</h2>
{% for chart, svg in charts %}
<figure id="chart-{{ chart.name }}">
<h3>{{ chart.title }}</h3>
{{ svg | safe }}
<figcaption><p>{{ chart.definition }}</p>
{% for note in chart.notes %}<p>{{ note }}</p>{% endfor %}</figcaption>
</figure>
{% endfor %}

{% if report.estimate %}{% set estimate = report.estimate %}
<h2>Estimate</h2>
<p class="definition">{{ estimate.definition }}</p>
<table class="estimate">
<tbody>
<tr><th>named (known with certainty)</th>{{ number_cell(estimate.named) }}</tr>
<tr><th>estimated total ({{ estimate.method }})</th><td class="number">{{ "{:,.0f}".format(estimate.estimate) }}</td></tr>
<tr><th>95% interval</th><td class="number">{{ "{:,.0f}".format(estimate.interval[0]) }} – {{ "∞" if estimate.interval[1] is none else "{:,.0f}".format(estimate.interval[1]) }}</td></tr>
<tr><th>lists (sources)</th><td>{{ estimate.lists | join("; ") }}</td></tr>
</tbody>
</table>
{% for warning in estimate.warnings %}<p class="warnings">Warning: {{ warning }}</p>
{% endfor %}
{% endif %}

<h2>Figures with definitions</h2>
{% for figure in report.figures %}
<section class="figure" id="figure-{{ figure.name }}">
<h3>{{ figure.name }}: {{ shown(figure.value) }}</h3>
<p class="definition">{{ figure.definition }}</p>
<p class="meta">As of {{ as_of_text(figure.as_of) }}.</p>
{% if figure.table is not none %}{% set rows = figure.rows() %}
{% if rows %}
<table>
<thead><tr>{% for label in figure.labels %}<th>{{ label }}</th>{% endfor %}<th class="number">count</th>{% if figure.share %}<th class="number">percent</th>{% endif %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for label in figure.labels %}<td>{{ label_text(label, row[label]) }}</td>{% endfor %}{{ number_cell(row["count"]) }}{% if figure.share %}{{ number_cell(row["percent"], percent=True) }}{% endif %}</tr>
{% endfor %}</tbody>
</table>
{% else %}<p class="meta">No rows.</p>{% endif %}
{% endif %}
</section>
{% endfor %}

<footer>
<p>Made with nomina, {{ made }}. Every figure is defined once in the register's software
(<code>nomina stats</code> lists them); charts and tables here come from the same numbers.
{% if report.public %}Disclosure control: counts below {{ report.k }} suppressed.{% endif %}</p>
</footer>
</body>
</html>
"""
