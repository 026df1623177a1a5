"""Documents for the authority (register, breach register, dossier) printed the same way:
A4, page numbers, tables that wrap instead of running off the page (WeasyPrint).

Domain code builds its HTML with ``html.escape`` (no template engine outside the web);
this module gives the shared print stylesheet and turns the HTML into PDF bytes.
"""

from __future__ import annotations

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-left { content: string(doc-title); font-size: 7.5pt; color: #555; }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 7.5pt; } }
@page wide { size: A4 landscape; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #111; line-height: 1.35; }
h1 { font-size: 16pt; string-set: doc-title content(); margin: 0 0 4pt; }
h2 { font-size: 12.5pt; border-bottom: 1px solid #444; margin-top: 14pt; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; }
p.meta { color: #444; margin: 0 0 10pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 4pt 0 10pt; }
th, td { border: 1px solid #999; padding: 2.5pt 4pt; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; word-break: break-word; }
th { background: #eef0f3; font-weight: bold; }
table.entry th { width: 34%; }
table.entry { page-break-inside: auto; }
tr { page-break-inside: avoid; }
.wide { page: wide; }
.late { color: #a00; } .ok { color: #070; } .muted { color: #555; }
"""


def pdf_bytes(html: str, base_url: str | None = None) -> bytes:
    """The PDF of ``html`` (a whole document that links no other host)."""
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=base_url).write_pdf())
