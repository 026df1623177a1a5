"""Worlds for a retention start read on a related row (policy ``start.related``).

A separate generator from ``world.py`` (the erasure and sweep worlds): accounts whose
closing date may be empty, optionally files between them and the profiles, and profiles
whose rule starts at the latest of their own date and their account's closing. The
profiles point at their file or account through a nullable reference, ``owns`` or
``context``; the accounts are bound to a rule that never comes due, or to none (then the
event is read from the column of its name). The expected outcome is computed in Python
from the rows alone (``expected``), never from the engine's predicates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta
from hypothesis import strategies as st
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
    insert,
)

SYSTEM = "r"
TODAY = date(2026, 3, 2)
YEARS = {"child": 1, "child_archive": 1}
ARCHIVE_YEARS = 5
POLICY = """\
controller:
  name: Related world
timezone: Europe/Paris
country: FR
retention_rules:
  - id: accounts
    duration: 200 years
    start: {latest: [account_closed]}
    then: delete
  - id: child
    duration: 1 year
    start: {latest: [created], related: {via: VIA, event: account_closed}}
    then: delete
  - id: child_archive
    duration: 1 year
    start: {latest: [created], related: {via: VIA, event: account_closed}}
    archive: {duration: 5 years, statute: commercial_code_l110_4, fields: [created_on]}
    then: delete
"""


@dataclass(frozen=True)
class RelatedWorld:
    seed: int
    rule: str
    """child (delete) or child_archive (archived for five years first)."""
    meaning: str
    files: bool
    """Profiles reach their account through a file (``via: file.guardian``)."""
    bound_parent: bool
    accounts: int
    profiles: int
    batch_size: int

    @property
    def via(self) -> str:
        return "file.guardian" if self.files else "guardian"


@st.composite
def related_worlds(draw: st.DrawFn) -> RelatedWorld:
    return RelatedWorld(
        seed=draw(st.integers(0, 2**16)),
        rule=draw(st.sampled_from(["child", "child_archive"])),
        meaning=draw(st.sampled_from(["owns", "context"])),
        files=draw(st.booleans()),
        bound_parent=draw(st.booleans()),
        accounts=draw(st.integers(1, 6)),
        profiles=draw(st.integers(1, 12)),
        batch_size=draw(st.integers(1, 4)),
    )


def policy(world: RelatedWorld) -> str:
    return POLICY.replace("VIA", world.via)


def _tables(world: RelatedWorld) -> tuple[MetaData, dict[str, Table]]:
    meta = MetaData()
    closed = "closed_at" if world.bound_parent else "account_closed"
    out = {
        "accounts": Table(
            "accounts",
            meta,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("email", String(80)),
            Column(closed, DateTime),
        )
    }
    parent = "accounts"
    if world.files:
        out["files"] = Table(
            "files",
            meta,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("guardian_id", Integer, ForeignKey("accounts.id"), nullable=True),
        )
        parent = "files"
    ref = "file_id" if world.files else "guardian_id"
    out["profiles"] = Table(
        "profiles",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column(ref, Integer, ForeignKey(f"{parent}.id"), nullable=True),
        Column("first_name", String(40)),
        Column("created_on", Date),
    )
    return meta, out


def _day(rnd: random.Random) -> date | None:
    if rnd.random() < 0.15:
        return None
    return TODAY - timedelta(days=rnd.randint(0, 6 * 365))


@dataclass
class RelatedRows:
    by: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def make_rows(world: RelatedWorld) -> RelatedRows:
    rnd = random.Random(world.seed)
    rows = RelatedRows()
    closed = "closed_at" if world.bound_parent else "account_closed"
    rows.by["accounts"] = []
    for n in range(1, world.accounts + 1):
        day = _day(rnd)
        moment = None if day is None else datetime.combine(day, datetime.min.time())
        if moment is not None:
            moment += timedelta(minutes=rnd.choice([0, 30, 23 * 60 + 30]))
        rows.by["accounts"].append({"id": n, "email": f"g{n}@example.org", closed: moment})
    ids = [a["id"] for a in rows.by["accounts"]]
    if world.files:
        rows.by["files"] = [
            {"id": n, "guardian_id": None if rnd.random() < 0.15 else rnd.choice(ids)}
            for n in range(1, world.accounts + 2)
        ]
        ids = [f["id"] for f in rows.by["files"]]
    ref = "file_id" if world.files else "guardian_id"
    rows.by["profiles"] = [
        {
            "id": n,
            ref: None if rnd.random() < 0.15 else rnd.choice(ids),
            "first_name": f"child {n}",
            "created_on": _day(rnd),
        }
        for n in range(1, world.profiles + 1)
    ]
    return rows


def build(world: RelatedWorld, engine: Engine) -> RelatedRows:
    meta, tables = _tables(world)
    meta.create_all(engine)
    rows = make_rows(world)
    with engine.begin() as conn:
        for name, table in tables.items():
            if rows.by[name]:
                conn.execute(insert(table), rows.by[name])
    return rows


def drop(world: RelatedWorld, engine: Engine) -> None:
    meta, _ = _tables(world)
    meta.drop_all(engine)


def related_day(world: RelatedWorld, rows: RelatedRows, profile: dict[str, Any]) -> date | None:
    """The closing day of the profile's account, through its file when there is one."""
    account_id = profile["file_id" if world.files else "guardian_id"]
    if world.files and account_id is not None:
        found = [f for f in rows.by["files"] if f["id"] == account_id]
        account_id = found[0]["guardian_id"] if found else None
    accounts = [a for a in rows.by["accounts"] if a["id"] == account_id]
    if not accounts:
        return None
    moment = accounts[0]["closed_at" if world.bound_parent else "account_closed"]
    return None if moment is None else moment.date()


@dataclass(frozen=True)
class Expected:
    deleted: frozenset[int]
    archived: frozenset[int]
    unknown: frozenset[int]
    ends: dict[int, date]
    """The destruction day of each archived profile: its start + 1 + 5 years."""


def expected(world: RelatedWorld, rows: RelatedRows) -> Expected:
    """What the run must do, from the rows: start = max(own date, account's closing)."""
    deleted, archived, unknown, ends = set(), set(), set(), {}
    years = relativedelta(years=YEARS[world.rule])
    for p in rows.by["profiles"]:
        own, rel = p["created_on"], related_day(world, rows, p)
        if own is None or rel is None:
            unknown.add(p["id"])
            continue
        start = max(own, rel)
        if start + years > TODAY:
            continue
        if world.rule == "child":
            deleted.add(p["id"])
            continue
        end = start + years + relativedelta(years=ARCHIVE_YEARS)
        (archived if end > TODAY else deleted).add(p["id"])
        ends[p["id"]] = end
    return Expected(frozenset(deleted), frozenset(archived), frozenset(unknown), ends)


def datamap(world: RelatedWorld, kind: str) -> str:
    accounts: dict[str, Any] = {
        "name": "accounts",
        "primary_key": "id",
        "identity": {"email": "email"},
        "fields": [{"name": "email", "category": "contact", "label": {"fr": "C", "en": "E"}}],
    }
    if world.bound_parent:
        accounts["retention"] = {"rule": "accounts", "dates": {"account_closed": "closed_at"}}
    colls = [accounts]
    if world.files:
        colls.append(
            {
                "name": "files",
                "primary_key": "id",
                "references": [{"column": "guardian_id", "to": "accounts", "meaning": "owns"}],
            }
        )
    ref = "file_id" if world.files else "guardian_id"
    colls.append(
        {
            "name": "profiles",
            "primary_key": "id",
            "references": [
                {
                    "column": ref,
                    "to": "files" if world.files else "accounts",
                    "meaning": world.meaning,
                }
            ],
            "fields": [
                {
                    "name": "first_name",
                    "category": "identification",
                    "label": {"fr": "P", "en": "F"},
                }
            ],
            "retention": {"rule": world.rule, "dates": {"created": "created_on"}},
        }
    )
    doc = {
        "version": 1,
        "systems": [
            {"id": SYSTEM, "kind": kind, "url_env": "GARANT_SAFETY_URL", "collections": colls}
        ],
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def retention_yaml(world: RelatedWorld) -> str:
    return f"batch_size: {world.batch_size}\nmax_share: 1\n"
