"""French and English through gettext catalogs.

Messages are written in English in the source (``_("...")``); French lives in
``locale/fr/LC_MESSAGES/*.po``, one catalog per feature so that each feature owns its
file. The language of the moment is a context variable, set per web request or mail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")
SOURCE_LANGUAGE = "en"

_current: ContextVar[str] = ContextVar("garant_language", default=SOURCE_LANGUAGE)


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every translated message of ``lang``, from all its .po files."""
    messages: dict[str, str] = {}
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    if lang == SOURCE_LANGUAGE or not folder.is_dir():
        return messages
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and isinstance(message.id, str) and message.string:
                    if not message.fuzzy:
                        messages[message.id] = str(message.string)
    return messages


def normalize_language(lang: str | None) -> str:
    code = (lang or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else SOURCE_LANGUAGE


def current_language() -> str:
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    token = _current.set(normalize_language(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def translate(lang: str, message: str) -> str:
    return catalog(normalize_language(lang)).get(message, message)


def gettext(message: str) -> str:
    return translate(_current.get(), message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


_ = gettext
