"""Self-contained HTML report: one file, inline CSS, figures as base64 data URIs, no scripts.

Nothing is fetched when the file is opened (no fonts, scripts or images from
the network), so the report can be e-mailed or archived as it is.
"""

from __future__ import annotations

import base64
from html import escape

from surveykit.render.document import Figure, Report, ReportTable
from surveykit.result import ROW_HEADING, ROW_MISSING, ROW_TOTAL

_CSS = """
body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1d; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; }
.generated { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .4rem 0 .6rem; font-size: .9rem;
        font-variant-numeric: tabular-nums; }
caption { text-align: left; caption-side: top; padding-bottom: .35rem; }
caption .num { font-weight: bold; display: block; }
caption .title { font-style: italic; }
thead th { border-top: 2px solid #222; border-bottom: 1px solid #222; padding: .25rem .6rem;
           font-weight: 600; }
tbody tr:last-child td { border-bottom: 2px solid #222; }
td { padding: .15rem .6rem; vertical-align: top; }
.l { text-align: left; } .r { text-align: right; }
tr.heading td { font-weight: 600; padding-top: .45rem; }
tr.missing td { color: #666; }
tr.total td { font-style: italic; border-top: 1px solid #999; }
td.indent { padding-left: 1.6rem; }
.note { font-size: .85rem; color: #333; margin: .15rem 0; }
ul.tests { font-size: .9rem; }
figure { margin: 1rem 0 1.6rem; }
figure img { max-width: 100%; height: auto; }
figcaption .num { font-weight: bold; display: block; }
figcaption .title { font-style: italic; }
blockquote { margin: .4rem 0 .4rem 1rem; padding-left: .8rem; border-left: 3px solid #bbb; }
blockquote .who { color: #666; white-space: nowrap; }
"""


def _figure(figure: Figure) -> str:
    data = base64.b64encode(figure.png).decode("ascii")
    return (
        f'<figure id="figure-{figure.number}"><figcaption><span class="num">Figure '
        f'{figure.number}</span><span class="title">{escape(figure.caption)}</span></figcaption>'
        f'<img src="data:image/png;base64,{data}" alt="{escape(figure.alt or figure.caption)}">'
        + "".join(f'<p class="note"><em>Note.</em> {escape(note)}</p>' for note in figure.notes)
        + "</figure>"
    )


def _table(table: ReportTable) -> str:
    out = [
        f'<table id="table-{table.number}" class="{escape(table.kind)}">',
        f'<caption><span class="num">Table {table.number}</span>'
        f'<span class="title">{escape(table.title)}</span></caption>',
        "<thead>",
    ]
    headers = table.columns
    if table.spanners:
        headers = table.labels
        out.append('<tr class="spanners">')
        out += [
            f'<th colspan="{span}" class="spanner">{escape(text)}</th>' if text
            else f'<th colspan="{span}"></th>'
            for text, span in table.spanners
        ]  # fmt: skip
        out.append("</tr>")
    out.append("<tr>")
    out += [f'<th class="{a}">{escape(c)}</th>' for c, a in zip(headers, table.align, strict=True)]
    out.append("</tr></thead><tbody>")
    for row, kind in zip(table.rows, table.row_kinds, strict=True):
        css = {ROW_HEADING: "heading", ROW_MISSING: "missing", ROW_TOTAL: "total"}.get(kind, "")
        out.append(f'<tr class="{css}">' if css else "<tr>")
        for i, (cell, align) in enumerate(zip(row, table.align, strict=True)):
            cls = align
            if i == 0 and table.indented(kind):
                cls += " indent"
            out.append(f'<td class="{cls}">{escape(cell)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    out += [f'<p class="note"><em>Note.</em> {escape(note)}</p>' for note in table.notes]
    if table.tests:
        out.append('<ul class="tests">')
        out += [f"<li>{escape(s)}</li>" for s in table.tests]
        out.append("</ul>")
    out += [_figure(f) for f in table.figures]
    return "\n".join(out)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Forbid every network fetch: only inline styles and data: images may load.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{escape(report.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head><body>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="generated">Generated {escape(report.generated)} by surveykit.</p>',
        "<h2>Method</h2>",
    ]
    parts += [f"<p>{escape(p)}</p>" for p in report.methods]
    if report.data_notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in report.data_notes) + "</ul>")  # fmt: skip
    parts.append("<h2>Results</h2>")
    parts += [_table(t) for t in report.tables]
    if report.theme_tables:
        parts.append("<h2>Themes</h2>")
        parts += [_table(t) for t in report.theme_tables]
    if report.test_tables:
        parts.append("<h2>Tests</h2>")
        parts += [_table(t) for t in report.test_tables]
        parts += [_figure(f) for f in report.test_figures]
    if report.quotes:
        parts.append("<h2>Appendix: open-ended answers</h2>")
        parts.append("<p>E-mail addresses and phone numbers have been removed.</p>")
        for block in report.quotes:
            parts.append(f"<h3>{escape(block.label)}</h3>")
            parts.append(f"<p><em>{escape(block.question)}</em> ({escape(block.count)})</p>")
            parts += [
                f'<blockquote>{escape(text)} <span class="who">{escape(tag)}</span></blockquote>'
                for text, tag in block.quotes
            ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
