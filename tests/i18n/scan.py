"""What a person reads, and what must not be in it: raw codes, untranslated English, UTC.

``visible_text(html)`` keeps the text a reader sees (not scripts, styles, attributes or
``<code>``, where a technical name is shown on purpose: a cookie's name, a file name).
``problems(text, lang, where)`` lists each fault with the place it was found.
"""

from __future__ import annotations

import re
import typing
from enum import StrEnum
from functools import cache
from html.parser import HTMLParser

SKIPPED = {"script", "style", "code", "kbd", "samp", "template", "noscript", "title"}
SNAKE = re.compile(r"(?<![\w@./:=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/=-])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(r"\b(?:https?://|/)[\w/.?=&%#:+-]+")
ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?([+-]\d{2}:\d{2}|Z)?")
ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?![\w/-])")
UTC = re.compile(r"[+-]00:00\b|\bUTC\b")
SEGMENT = re.compile(r"[:·,()|\n]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    """The text nodes of a page, as a reader sees them (whitespace folded)."""
    parser = _Text()
    parser.feed(html)
    return parser.nodes


@cache
def enum_codes() -> frozenset[str]:
    """Every value of the model's enums and literal choices (``person``, ``pending``):
    a node or segment that is exactly one of them is a code shown as it is."""
    import importlib
    import pkgutil

    import garant

    found: set[str] = set()
    for info in pkgutil.walk_packages(garant.__path__, "garant."):
        if any(part in info.name for part in (".web", ".cli", "migrations", "__main__")):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, StrEnum):
                found.update(member.value for member in value)
            elif typing.get_origin(value) is typing.Literal:
                found.update(arg for arg in typing.get_args(value) if isinstance(arg, str))
    return frozenset(code for code in found if len(code) > 2)


@cache
def english_messages() -> frozenset[str]:
    """English messages that French translates to other words: seen as they are on a
    French page, they were not translated."""
    from garant.i18n import catalog

    return frozenset(
        msgid
        for msgid, french in catalog("fr").items()
        if french != msgid and len(msgid) > 3 and " " in msgid.strip()
    )


def _clean(node: str) -> str:
    return URL.sub(" ", EMAIL.sub(" ", node))


def problems(
    nodes: list[str], lang: str, where: str, *, public: bool = True, printed: bool = False
) -> list[str]:
    """Each raw code, untranslated message and UTC/ISO time in ``nodes``, with ``where``.

    A node or segment equal to an enum's value is a code on a French page (an English
    word such as "email" may rightly appear in English prose); snake_case is a code in
    both languages."""
    found: list[str] = []
    codes = enum_codes()
    english = english_messages() if lang == "fr" else frozenset()
    for node in nodes:
        text = _clean(node)
        for match in SNAKE.finditer(text):
            found.append(f"{where}: raw code {match.group(0)!r} in {node[:120]!r}")
        # a printed line is cut anywhere (a French word may wrap to "finance, la ..."):
        # there, only a whole line is compared with the enums' values
        pieces = [text] if printed else SEGMENT.split(text)
        for segment in pieces if lang == "fr" else ():
            if segment.strip() in codes:
                found.append(f"{where}: raw code {segment.strip()!r} in {node[:120]!r}")
        if node.strip() in english:
            found.append(f"{where}: untranslated {node.strip()!r}")
        if ISO_MOMENT.search(text) or UTC.search(text):
            found.append(f"{where}: UTC/ISO time in {node[:120]!r}")
        elif public and ISO_DATE.search(text):
            found.append(f"{where}: ISO date in {node[:120]!r}")
    return found
