"""AF-D1 (issue 18): the package's ``index.html`` shows every cell as a person reads it,
in their language: dates and times in words in the policy's time zone (Europe/Paris for
the Alliance Française), yes/no in words, codes by the labels the data map gives them;
the CSV and JSON files keep the stored values, and the page says so."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_datetime

from garant.i18n import translate
from garant.subjects.report import MACHINE_VALUES, Cells
from tests.subjects.conftest import DemoFactory
from tests.subjects.test_export import person_with, run_export

PARIS = ZoneInfo("Europe/Paris")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
RAW = {"True", "False", "true", "false", "active", "paid", "website", "event", "course"}
RESTRICTED = (
    "          - {name: created_at, category: other, "
    "label: {fr: Date d'inscription, en: Registered on}}\n"
)


def cells_of(page: str) -> list[str]:
    return [unescape(c) for c in re.findall(r"<td>(.*?)</td>", page, re.S)]


def table_of(page: str, heading: str) -> list[list[str]]:
    """The rows of the table under ``<h3>heading</h3>``."""
    part = page.split(f"<h3>{heading}</h3>", 1)[1].split("</table>", 1)[0]
    return [cells_of(row) for row in re.findall(r"<tr class=.*?</tr>", part, re.S)]


def export(demo: DemoFactory, tmp_path: Path, lang: str) -> tuple[str, dict[str, bytes], dict]:
    garant, truth = demo("alliance-francaise", persons=12)
    datamap = garant.workspace / "datamap.yaml"
    text = datamap.read_text(encoding="utf-8")  # the learner's restriction flag, shown
    assert RESTRICTED in text
    flag = "          - {name: restricted, category: other, label: {fr: Limité, en: Restricted}}\n"
    datamap.write_text(text.replace(RESTRICTED, RESTRICTED + flag), encoding="utf-8")
    garant.__dict__.pop("datamap", None)
    person = person_with(truth, "learners", "orders", "newsletter_subscribers")
    email = person["identities"]["email"]
    with sqlite3.connect(tmp_path / "alliance-francaise.db") as db:
        db.execute("UPDATE learners SET restricted = 1 WHERE email = ?", (email,))
        row = db.execute(
            "SELECT created_at, birth_date FROM learners WHERE email = ?", (email,)
        ).fetchone()
    archive = run_export(garant, email, tmp_path / f"p-{lang}.zip", lang=lang)
    files = {n: archive.read(n) for n in archive.namelist()}
    return files["index.html"].decode("utf-8"), files, {"created": row[0], "born": row[1]}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_af_d1_index_shows_no_cell_as_stored(demo: DemoFactory, tmp_path: Path, lang: str) -> None:
    page, files, stored = export(demo, tmp_path, lang)
    cells = cells_of(page)
    assert cells, "the page shows the person's records"
    raw = [c for c in cells if ISO.search(c) or c in RAW]
    assert raw == [], f"cells shown as stored: {raw}"
    locale = {"fr": "fr_FR", "en": "en_GB"}[lang]
    # a naive time of the system is UTC; the page shows it in the policy's zone
    created = datetime.fromisoformat(stored["created"]).replace(tzinfo=UTC)
    when = format_datetime(created.astimezone(PARIS), "d MMM y, HH:mm", locale=locale)
    born = format_date(date.fromisoformat(stored["born"]), "long", locale=locale)
    learner = table_of(page, "Apprenants" if lang == "fr" else "Learners")[0]
    assert when in learner and born in learner
    assert translate(lang, "Yes") in learner  # the restriction flag, in words
    words = {"fr": ("En cours", "Payée"), "en": ("Current", "Paid")}[lang]
    assert all(w in cells for w in words)  # enrolment and order statuses by their labels
    assert unescape(translate(lang, MACHINE_VALUES)) in unescape(page)


def test_af_d1_csv_and_json_keep_the_stored_values(demo: DemoFactory, tmp_path: Path) -> None:
    page, files, stored = export(demo, tmp_path, "fr")
    assert "En cours" in page
    learners = list(csv.reader(io.StringIO(files["af/learners.csv"].decode("utf-8-sig"))))
    assert "True" in learners[1]  # the flag as stored (the page says Oui)
    assert any(ISO.match(c) for c in learners[1])
    enrolments = files["af/enrolments.csv"].decode("utf-8-sig")
    assert ",active" in enrolments and "En cours" not in enrolments
    records = json.loads(files["af/learners.json"])["records"]
    assert records[0]["restricted"] is True
    assert records[0]["created_at"].startswith(stored["created"][:10])


def test_a_column_is_shown_by_one_formatter_chosen_from_its_types() -> None:
    cells = Cells("fr", PARIS)
    moment = datetime(2026, 12, 6, 3, 6, 6, tzinfo=UTC)
    assert cells.column([moment, None]) == ["6 déc. 2026, 04:06", ""]
    assert cells.column([date(2026, 1, 15)]) == ["15 janvier 2026"]
    assert cells.column([True, False, None]) == ["Oui", "Non", ""]
    # ISO text (a SQLite TEXT column, a JSON detail): dates and times in words
    assert cells.column(["2026-12-06T03:06:06.609843+00:00", "2026-01-15"]) == [
        "6 déc. 2026, 04:06",
        "15 janvier 2026",
    ]
    assert cells.column(["2026-01-15", "not a date"]) == ["2026-01-15", "not a date"]
    assert cells.column([3, 1.5, Decimal("1.99")]) == ["3", "1.5", "1.99"]
    assert cells.column([moment, True, "x", 2]) == ["6 déc. 2026, 04:06", "Oui", "x", "2"]
    english = Cells("en", PARIS)
    assert english.column([moment, True]) == ["6 Dec 2026, 04:06", "Yes"]


def test_a_code_is_shown_by_its_label_and_an_unknown_code_as_it_is() -> None:
    from garant.datamap.models import FieldSpec

    spec = FieldSpec.model_validate(
        {
            "name": "status",
            "category": "purchases",
            "label": {"fr": "Statut", "en": "Status"},
            "values": {"paid": {"fr": "Payée", "en": "Paid"}, 2: {"fr": "Deux", "en": "Two"}},
        }
    )
    assert Cells("fr", PARIS).column(["paid", "new", None], spec) == ["Payée", "new", ""]
    assert Cells("en", PARIS).column([2, 3], spec) == ["Two", "3"]
