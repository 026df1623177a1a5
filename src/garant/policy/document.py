"""A small document model for the notice, the form notice and the register page, with
renderers to accessible HTML and to Markdown (no template engine in the domain)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass
class Para:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""
    code_columns: tuple[int, ...] = ()
    """Columns that hold a technical name shown as it is (a cookie's name): ``<code>``."""


Block = Para | Bullets | Table


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    id: str = ""


@dataclass
class Document:
    title: str
    lang: str
    intro: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _html_block(block: Block) -> str:
    if isinstance(block, Para):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{escape(i)}</li>" for i in block.items)
        return f"<ul>{items}</ul>"
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td><code>{escape(c)}</code></td>"
            if i in block.code_columns
            else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in block.rows
    )
    caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html_fragment(doc: Document) -> str:
    """The body: one h1, one h2 per section, lists and tables with headers."""
    parts = [f'<article lang="{escape(doc.lang)}"><h1>{escape(doc.title)}</h1>']
    parts += [_html_block(b) for b in doc.intro]
    toc = "".join(
        f'<li><a href="#{escape(s.id)}">{escape(s.title)}</a></li>' for s in doc.sections if s.id
    )
    if toc:
        parts.append(f'<nav aria-label="{escape(doc.title)}"><ol>{toc}</ol></nav>')
    for s in doc.sections:
        ident = f' id="{escape(s.id)}"' if s.id else ""
        parts.append(f"<section><h2{ident}>{escape(s.title)}</h2>")
        parts += [_html_block(b) for b in s.blocks]
        parts.append("</section>")
    parts.append("</article>")
    return "\n".join(parts)


def to_html(doc: Document) -> str:
    """A complete page, readable without CSS."""
    return (
        f'<!doctype html>\n<html lang="{escape(doc.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc.title)}</title>\n</head>\n<body>\n<main>\n"
        f"{to_html_fragment(doc)}\n</main>\n</body>\n</html>\n"
    )


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_block(block: Block) -> str:
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(f"- {i}" for i in block.items)
    lines = [
        "| " + " | ".join(_md_cell(h) for h in block.headers) + " |",
        "|" + "---|" * len(block.headers),
    ]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
    return "\n".join(lines)


def to_markdown(doc: Document) -> str:
    parts = [f"# {doc.title}"] + [_md_block(b) for b in doc.intro]
    for s in doc.sections:
        parts.append(f"## {s.title}")
        parts += [_md_block(b) for b in s.blocks]
    return "\n\n".join(parts) + "\n"


def to_text(doc: Document) -> str:
    """Plain text, for a terminal."""
    return to_markdown(doc)
