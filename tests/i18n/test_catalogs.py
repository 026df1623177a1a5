"""Every message has a French translation, and French is not English in disguise."""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.extract import extract_from_dir

import garant
from garant.i18n import LOCALE_DIR, catalog, language, translate

SOURCE = Path(garant.__file__).parent
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SOURCE), METHODS, OPTIONS, keywords={"_": None, "gettext": None, "ngettext": (1, 2)}
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.setdefault(text, f"{filename}:{lineno}")
    for text, where in _in_f_strings():
        found.setdefault(text, where)
    return found


def _in_f_strings() -> list[tuple[str, str]]:
    """``_("...")`` inside an f-string's braces, which Babel's extractor does not see (the
    breach register's "Notifications to the authority" went out in English that way)."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FormattedValue):
                continue
            for call in ast.walk(node.value):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in ("_", "gettext")
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str)
                ):
                    where = f"{path.relative_to(SOURCE)}:{call.lineno}"
                    found.append((call.args[0].value, where))
    return found


def _allowlist() -> set[str]:
    lines = (LOCALE_DIR.parent / "same_in_french.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_every_message_has_a_french_translation() -> None:
    french = catalog("fr")
    missing = sorted(
        f"{where}: {text!r}" for text, where in _messages().items() if text not in french
    )
    assert missing == [], "messages without French:\n" + "\n".join(missing)


def test_french_differs_from_english_outside_the_allowlist() -> None:
    allowed = _allowlist()
    same = sorted(
        text for text, french in catalog("fr").items() if french == text and text not in allowed
    )
    assert same == [], f"French identical to English (add to same_in_french.txt if right): {same}"


def test_translation_follows_the_language_of_the_moment() -> None:
    from garant.i18n import gettext

    with language("fr-FR"):
        assert gettext("Dashboard") == "Tableau de bord"
    assert gettext("Dashboard") == "Dashboard"
    assert translate("en", "Dashboard") == "Dashboard"
    assert translate("de", "Dashboard") == "Dashboard"


def test_one_message_one_french_wording_across_catalogs() -> None:
    """Two features translating the same words differently would make the interface
    contradict itself (and the later catalog would silently win)."""
    from babel.messages.pofile import read_po

    wordings: dict[str, set[str]] = {}
    for po in sorted((LOCALE_DIR / "fr" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as handle:
            for message in read_po(handle, locale="fr"):
                if message.id and message.string:
                    wordings.setdefault(str(message.id), set()).add(str(message.string))
    conflicts = {mid: sorted(w) for mid, w in wordings.items() if len(w) > 1}
    assert conflicts == {}, f"translated differently in two catalogs: {conflicts}"
