"""A retention start read on a related row (policy ``start.related``), swept for real.

A child's profile ends with its guardian's account: the profile is due only when its own
date and the account's closing date are both a year past. A profile whose account is
live (no closing date) or missing is never due, and ``retention plan`` and ``garant
check`` name it (start unknown). Run on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
)

from garant.app import Garant
from garant.clock import FixedClock
from garant.retention import sweep
from garant.retention.approval import approved_once
from garant.retention.models import RetentionApproval
from tests.conftest import write_workspace
from tests.retention.conftest import at

POLICY = """\
controller:
  name: Ville de test
timezone: Europe/Paris
country: FR
retention_rules:
  - id: accounts
    duration: 6 years
    start: {latest: [account_closed]}
    then: delete
  - id: child_profile
    duration: 1 year
    start: {latest: [created], related: {via: guardian, event: account_closed}}
    then: delete
"""

DATAMAP = """\
version: 1
systems:
  - id: town
    kind: {kind}
    url_env: GARANT_TEST_TOWN_URL
    collections:
      - name: accounts
        primary_key: id
        identity: {email: email}
        fields:
          - {name: email, category: contact, label: {fr: Courriel, en: Email}}
        retention: {rule: accounts, dates: {account_closed: closed_at}}
      - name: profiles
        primary_key: id
        references: [{column: guardian_id, to: accounts, meaning: {meaning}}]
        fields:
          - {name: first_name, category: identification, label: {fr: Prénom, en: First name}}
        retention: {rule: child_profile, dates: {created: created_on}}
"""

TODAY = "2026-03-02"
CLOSED = {
    1: None,  # live account
    2: datetime(2025, 12, 1, 18, 30),  # closed three months ago
    3: datetime(2024, 6, 1, 8, 0),  # closed two years ago
    4: datetime(2025, 3, 1, 23, 30),  # a year and a day ago, late in the evening (Paris)
}
PROFILES = {
    # id: (guardian, created)
    10: (1, date(2015, 1, 1)),  # guardian live: kept, start unknown
    11: (2, date(2015, 1, 1)),  # guardian closed recently: kept
    12: (3, date(2015, 1, 1)),  # guardian closed long ago: deleted
    13: (3, date(2025, 9, 1)),  # own date recent: kept
    14: (None, date(2015, 1, 1)),  # no guardian: kept, start unknown
    15: (4, date(2015, 1, 1)),  # closed 2025-03-01 local: a year has passed on 2026-03-02
    16: (3, None),  # no date of its own: kept, start unknown
}


def _tables(meta: MetaData) -> tuple[Table, Table]:
    accounts = Table(
        "accounts",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("email", String(80)),
        Column("closed_at", DateTime),
    )
    profiles = Table(
        "profiles",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("guardian_id", Integer, ForeignKey("accounts.id"), nullable=True),
        Column("first_name", String(40)),
        Column("created_on", Date),
    )
    return accounts, profiles


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def town_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'town.db'}"
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return str(request.getfixturevalue("mariadb_url"))


class Town:
    def __init__(self, root: Path, url: str, meaning: str):
        self.root, self.url = root, url
        self.engine: Engine = create_engine(url)
        kind = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}[
            self.engine.dialect.name
        ]
        text = DATAMAP.replace("{kind}", kind).replace("{meaning}", meaning)
        (root / "datamap.yaml").write_text(text, encoding="utf-8")
        (root / "retention.yaml").write_text("batch_size: 2\nmax_share: 1\n", encoding="utf-8")
        meta = MetaData()
        self.accounts, self.profiles = _tables(meta)
        meta.create_all(self.engine)
        with self.engine.begin() as conn:
            conn.execute(
                insert(self.accounts),
                [
                    {"id": i, "email": f"g{i}@example.org", "closed_at": c}
                    for i, c in CLOSED.items()
                ],
            )
            conn.execute(
                insert(self.profiles),
                [
                    {"id": i, "guardian_id": g, "first_name": f"child {i}", "created_on": d}
                    for i, (g, d) in PROFILES.items()
                ],
            )
        self.garant: Garant | None = None

    def open(self, day: str = TODAY) -> Garant:
        if self.garant is not None:
            self.garant.close()
        self.garant = Garant.open(self.root, clock=FixedClock(at(day)))
        with self.garant.unit_of_work() as uow:
            if not approved_once(uow):
                uow.session.add(
                    RetentionApproval(approved_at=uow.now(), approved_by="t", day=day, forecast={})
                )
        return self.garant

    def ids(self, table: Table) -> list[int]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(table.c.id).order_by(table.c.id))]

    def close(self) -> None:
        if self.garant is not None:
            self.garant.close()
        self.engine.dispose()


@pytest.fixture(params=["owns", "context"])
def town(
    request: pytest.FixtureRequest, town_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Town]:
    root = write_workspace(tmp_path / "town", policy=POLICY)
    monkeypatch.setenv("GARANT_TEST_TOWN_URL", town_url)
    made = Town(root, town_url, request.param)
    yield made
    made.close()


def _forecast(garant: Garant) -> dict[str, Any]:
    rows = {(r["collection"], r["action"]): r for r in sweep.plan(garant)}
    return rows[("town.profiles", "delete")]


def test_child_profile_ends_with_its_guardians_account(town: Town) -> None:
    """Kept while the guardian's account is live or closed less than a year ago; deleted
    when both its own date and the account's closing are a year past; never deleted, and
    reported, when the account is missing or has no closing date."""
    garant = town.open()
    plan = _forecast(garant)
    assert plan["due_now"] == 2, plan
    assert plan["no_start"] == 3, "live guardian, no guardian, no date of its own"
    keys = sweep.due_keys(garant)[("town.profiles", "delete")]
    assert keys == {(12,), (15,)}
    run = sweep.run(garant, gated=True)
    assert run.status != "waiting", run.counts
    assert town.ids(town.profiles) == [10, 11, 13, 14, 16]
    assert town.ids(town.accounts) == [1, 2, 3, 4], "the accounts' own six years run"


def test_the_guardians_closing_a_year_later_makes_the_profile_due(town: Town) -> None:
    """The forecast's horizon and a later day read the same related date."""
    garant = town.open("2026-06-15")
    assert _forecast(garant)["due_within_horizon"] == 1, "profile 13, on 2026-09-01"
    garant = town.open("2026-09-02")
    sweep.run(garant)
    assert town.ids(town.profiles) == [10, 11, 14, 16], "13's own year is past"
    garant = town.open("2026-12-02")  # a year after account 2 closed
    sweep.run(garant)
    assert town.ids(town.profiles) == [10, 14, 16]


def test_start_unknown_is_named_by_garant_check(town: Town) -> None:
    from garant.accountability.check_runner import run_checks

    garant = town.open()
    with garant.unit_of_work() as uow:
        report = run_checks(uow=uow, store=False)
    found = [f for f in report.findings if f.check == "retention_no_start"]
    rows = {f.evidence["collection"]: f.evidence["rows"] for f in found}
    assert rows == {"town.profiles": 3, "town.accounts": 1}, "the live account too"


def test_a_via_that_names_no_reference_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data map is checked against the policy when it loads: a rule whose start is
    read through a reference the collection does not have is an error at its place."""
    from garant.datamap.loader import load_datamap
    from garant.errors import LocatedError
    from garant.policy.loader import parse_policy

    path = tmp_path / "datamap.yaml"
    path.write_text(DATAMAP.replace("{kind}", "sqlite").replace("{meaning}", "owns"))
    policy = parse_policy(POLICY.replace("via: guardian", "via: parent"))
    with pytest.raises(LocatedError) as err:
        load_datamap(path, policy=policy)
    text = str(err.value)
    assert "datamap.yaml:18:27:" in text and '"parent" names no reference of profiles' in text
    assert "guardian_id -> accounts" in text
    load_datamap(path, policy=parse_policy(POLICY))  # guardian: guardian_id without _id
    two = parse_policy(POLICY.replace("via: guardian", "via: accounts"))
    load_datamap(path, policy=two)  # by its target collection
