"""What a person reads, and what must not be in it: raw codes, untranslated English, UTC.

``visible_text(html, lang)`` keeps the text a reader sees (not scripts, styles, attributes
or ``<code>``, where a technical name is shown on purpose: a cookie's name, a file name;
nor a part marked ``lang`` in another language: an English mail previewed on a French
page is checked as a mail in English). ``problems(text, lang, where)`` lists each fault
with the place it was found.

English left on a French page is found two ways: a whole message of a catalog shown as
it is (``english_messages``), and English words no French sentence uses (``ENGLISH``: "the",
"your", "has been", "please"...), which also find English that never went through
gettext. Proper names that contain such words are listed in ``NAMES``.
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
# English function words and phrases that are not French words (not "on", "or", "an",
# "as", "in", "a", "date", "note": French has them too), as whole words
_FUNCTION_WORDS = (
    "the", "and", "of the", "of", "your", "yours", "you", "has been", "have been",
    "will be", "will", "not", "please", "with", "without", "this", "that", "these", "those",
    "from", "for", "which", "there", "is", "are", "was", "were", "been", "be", "can",
    "cannot", "must", "should", "would", "could", "yet", "when", "where", "what", "who",
    "into", "about", "only", "here", "their", "our", "we", "they", "its", "by", "to", "at",
    "if", "no longer", "has", "have", "does", "do not", "don't", "doesn't", "isn't", "it",
)  # fmt: skip
# words of Garant's own subject, English only (a printed table cuts French words, so a
# PDF line is checked for the function words only: "Person" may be "Personnes" cut)
_SUBJECT_WORDS = (
    "request", "requests", "days", "day", "yes", "none", "unknown", "person", "persons",
    "data", "erasure", "access", "processing", "pending", "done", "sent", "received",
    "late", "left", "until", "since", "after", "before", "please",
)  # fmt: skip


def _words(words: tuple[str, ...], flags: re.RegexFlag = re.IGNORECASE) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w'’-])(?:" + alternatives + r")(?![\w'’-])", flags)


ENGLISH = _words(_FUNCTION_WORDS + _SUBJECT_WORDS)
ENGLISH_PRINTED = _words(_FUNCTION_WORDS, re.RegexFlag(0))  # lower case: a name cut is not
# proper names and brands that hold such words, shown as they are in every language
NAMES = re.compile(
    r"Demo School|Alliance Française|Swagger UI|Data Privacy Framework|"
    r"Standard Contractual Clauses|English",
)


class _Text(HTMLParser):
    def __init__(self, lang: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.skipping = 0
        self.foreign: tuple[str, int] | None = None  # (tag, depth) of a part in another language
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        if self.foreign is not None:
            if tag == self.foreign[0]:
                self.foreign = (tag, self.foreign[1] + 1)
            return
        marked = dict(attrs).get("lang")
        if self.lang and tag != "html" and marked and not marked.startswith(self.lang):
            self.foreign = (tag, 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self.skipping:
            self.skipping -= 1
        if self.foreign is not None and tag == self.foreign[0]:
            depth = self.foreign[1] - 1
            self.foreign = (tag, depth) if depth else None

    def handle_data(self, data: str) -> None:
        if not self.skipping and self.foreign is None and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_text(html: str, lang: str | None = None) -> list[str]:
    """The text nodes of a page, as a reader sees them (whitespace folded); with ``lang``,
    without the parts marked in another language."""
    parser = _Text(lang)
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
    return frozenset(code for code in found if len(code) > 2 and not _french_word(code))


def _french_word(code: str) -> bool:
    """A code French writes the same way ("rectification", "opposition"): seen in a French
    sentence it is the word, not the code."""
    from garant.i18n.labels import _tables

    return any(
        table.get(code, "").casefold() == code.casefold() for table in _tables("fr").values()
    )


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
        elif lang == "fr":
            words = (ENGLISH_PRINTED if printed else ENGLISH).search(NAMES.sub(" ", text))
            if words:
                found.append(f"{where}: English {words.group(0)!r} in {node[:120]!r}")
        if ISO_MOMENT.search(text) or UTC.search(text):
            found.append(f"{where}: UTC/ISO time in {node[:120]!r}")
        elif public and ISO_DATE.search(text):
            found.append(f"{where}: ISO date in {node[:120]!r}")
    return found
