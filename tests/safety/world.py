"""Random connected databases for the safety checks: a schema, its data, a policy and a map.

A world is a handful of collections drawn by hypothesis: trees and DAGs of ``owns`` and
``context`` references up to depth 4, self-references, a back reference closing a cycle,
keys of one integer or of two columns mixing text, dates and date-times, nullable and
NOT NULL references, a unique email, shared, immutable and restricted collections, rules
of their own at any depth (one with a 10-year archive), holds, empty start dates. The
rows come from a seeded ``random.Random``, so a world is a small value hypothesis shrinks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import yaml
from hypothesis import strategies as st
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    insert,
    update,
)

SYSTEM = "w"
TODAY = date(2026, 3, 2)
KEYS: dict[str, list[tuple[str, Any]]] = {
    "int": [("id", Integer)],
    "text_int": [("code", String(12)), ("seq", Integer)],
    "date_int": [("day", Date), ("n", Integer)],
    "datetime_text": [("at", DateTime), ("tag", String(12))],
}
RULES = ("short", "pay", "anon", "long")
POLICY = """\
controller:
  name: Safety world
timezone: Europe/Paris
country: FR
retention_rules:
  - id: short
    duration: 1 year
    start: {latest: [created, touched]}
    then: delete
  - id: pay
    duration: 1 year
    start: {latest: [issued]}
    archive:
      duration: 10 years
      statute: commercial_code_l123_22
      fields: [amount, issued]
    then: delete
  - id: anon
    duration: 2 years
    start: {latest: [created]}
    then: anonymize
  - id: long
    duration: 6 years
    start: {latest: [created]}
    then: delete
"""
EVENTS = {"short": ("created", "touched"), "pay": ("issued",), "anon": ("created",)}
EVENTS["long"] = ("created",)


@dataclass(frozen=True)
class Ref:
    to: int
    meaning: str
    nullable: bool


@dataclass(frozen=True)
class Spec:
    key: str
    refs: tuple[Ref, ...] = ()
    self_ref: bool = False
    back: int | None = None
    """A nullable context reference to a later collection: closes a cycle."""
    rule: str | None = None
    restriction: bool = False
    immutable: bool = False
    shared: bool = False
    rows: int = 6


@dataclass(frozen=True)
class World:
    specs: tuple[Spec, ...]
    seed: int
    hold_collection: int | None = None
    hold_person: bool = False
    batch_size: int = 3

    def name(self, i: int) -> str:
        return f"c{i}"


def _depth(specs: list[Spec], i: int) -> int:
    owners = [r.to for r in specs[i].refs if r.meaning == "owns"]
    return 1 + max((_depth(specs, o) for o in owners), default=0)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    n = draw(st.integers(2, 6))
    specs: list[Spec] = []
    for i in range(n):
        refs: list[Ref] = []
        if i:
            for to in draw(st.lists(st.integers(0, i - 1), max_size=2, unique=True)):
                meaning = draw(st.sampled_from(["owns", "owns", "context"]))
                if meaning == "owns" and _depth(specs, to) >= 4:
                    meaning = "context"
                if specs[to].shared:
                    meaning = "context"
                refs.append(Ref(to, meaning, draw(st.booleans())))
        shared = not refs and draw(st.integers(0, 5)) == 0
        specs.append(
            Spec(
                key=draw(st.sampled_from(sorted(KEYS))),
                refs=tuple(refs),
                self_ref=draw(st.integers(0, 5)) == 0,
                rule=None if shared else draw(st.sampled_from([None, *RULES])),
                restriction=draw(st.integers(0, 3)) == 0,
                immutable=draw(st.integers(0, 6)) == 0,
                shared=shared,
                rows=draw(st.integers(1, 8)),
            )
        )
    if n > 2 and draw(st.integers(0, 3)) == 0:
        first = draw(st.integers(0, n - 2))
        later = draw(st.integers(first + 1, n - 1))
        specs[first] = Spec(**{**specs[first].__dict__, "back": later})
    hold = draw(st.one_of(st.none(), st.integers(0, n - 1)))
    return World(
        tuple(specs),
        draw(st.integers(0, 2**16)),
        hold if draw(st.integers(0, 3)) == 0 else None,
        draw(st.integers(0, 2)) == 0,
        draw(st.integers(1, 4)),
    )


# --- the schema ------------------------------------------------------------------------
def _ref_columns(world: World, to: int, tag: str) -> list[tuple[str, Any]]:
    return [(f"{tag}_{c}", t) for c, t in KEYS[world.specs[to].key]]


def refs_of(world: World, i: int) -> list[tuple[str, int, str, bool, list[str]]]:
    """(tag, to, meaning, nullable, columns) of every reference of collection ``i``."""
    spec, out = world.specs[i], []
    for r in spec.refs:
        tag = f"{r.meaning}_{world.name(r.to)}"
        out.append(
            (tag, r.to, r.meaning, r.nullable, [c for c, _ in _ref_columns(world, r.to, tag)])
        )
    if spec.self_ref:
        out.append(("up", i, "context", True, [c for c, _ in _ref_columns(world, i, "up")]))
    if spec.back is not None:
        tag = f"back_{world.name(spec.back)}"
        cols = [c for c, _ in _ref_columns(world, spec.back, tag)]
        out.append((tag, spec.back, "context", True, cols))
    return out


def tables(world: World) -> tuple[MetaData, list[Table]]:
    meta = MetaData()
    out = []
    for i, spec in enumerate(world.specs):
        cols = [Column(c, t, primary_key=True, autoincrement=False) for c, t in KEYS[spec.key]]
        constraints: list[Any] = []
        for tag, to, _, nullable, names in refs_of(world, i):
            types = [t for _, t in KEYS[world.specs[to].key]]
            cols += [Column(n, t, nullable=nullable) for n, t in zip(names, types, strict=True)]
            targets = [f"{world.name(to)}.{c}" for c, _ in KEYS[world.specs[to].key]]
            late = to >= i
            constraints.append(
                ForeignKeyConstraint(names, targets, use_alter=late, name=f"fk_{i}_{tag}"[:60])
            )
        cols += [
            Column("email", String(80), nullable=True),
            Column("note", String(80), nullable=True),
            Column("amount", Integer, nullable=False, default=0),
            Column("created", Date, nullable=True),
            Column("touched", DateTime, nullable=True),
            Column("issued", Date, nullable=True),
            Column("restricted", Integer, nullable=True),
        ]
        constraints.append(UniqueConstraint("email", name=f"uq_{i}_email"))
        out.append(Table(world.name(i), meta, *cols, *constraints))
    return meta, out


# --- the data --------------------------------------------------------------------------
def _key(kind: str, rnd: random.Random, n: int) -> tuple[Any, ...]:
    if kind == "int":
        return (n + 1,)
    if kind == "text_int":
        return (rnd.choice(["a", "b", "ü"]) + str(n), n % 3)
    if kind == "date_int":
        return (date(2020, 1, 1) + timedelta(days=n), rnd.randint(0, 2))
    return (datetime(2021, 5, 1, 10, 30) + timedelta(hours=n), rnd.choice(["x", "y"]))


def _day(rnd: random.Random) -> date | None:
    if rnd.random() < 0.12:
        return None
    return date(2010, 1, 1) + timedelta(days=rnd.randint(0, (TODAY - date(2010, 1, 1)).days))


@dataclass
class Rows:
    """The rows of every collection, by collection index, each a dict of column values."""

    by: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)


def _row(world: World, i: int, n: int, rnd: random.Random, rows: Rows) -> dict[str, Any]:
    spec = world.specs[i]
    row = dict(zip((c for c, _ in KEYS[spec.key]), _key(spec.key, rnd, n), strict=True))
    email = f"p{i}-{n}@Example.org" if rnd.random() < 0.8 else None
    if email:
        rows.emails.append(email)
    touched = _day(rnd)
    row.update(
        email=email,
        note=f"note {i}-{n}",
        amount=rnd.randint(1, 500),
        created=_day(rnd),
        touched=None if touched is None else datetime.combine(touched, datetime.min.time()),
        issued=_day(rnd),
        restricted=rnd.choice([None, 0, 1]) if spec.restriction else None,
    )
    return row


def _point(world: World, rows: Rows, row: dict[str, Any], i: int, rnd: random.Random) -> None:
    for _, to, _, nullable, names in refs_of(world, i):
        late = to >= i
        targets = rows.by.get(to, [])
        if late or not targets or (nullable and rnd.random() < 0.25):
            value: list[Any] = [None] * len(names)
        else:
            parent = rnd.choice(targets)
            value = [parent[c] for c, _ in KEYS[world.specs[to].key]]
        if not nullable and value[0] is None:
            raise _Unbuildable
        row.update(zip(names, value, strict=True))


class _Unbuildable(Exception):
    """A NOT NULL reference to a collection without rows: the world has fewer rows."""


def make_rows(world: World) -> Rows:
    rnd = random.Random(world.seed)
    rows = Rows()
    for i, spec in enumerate(world.specs):
        rows.by[i] = []
        for n in range(spec.rows):
            row = _row(world, i, n, rnd, rows)
            try:
                _point(world, rows, row, i, rnd)
            except _Unbuildable:
                continue
            rows.by[i].append(row)
    return rows


def _late_links(
    world: World, rows: Rows, rnd: random.Random
) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """Self and back references, set once every row exists: (collection, key, values)."""
    out = []
    for i in range(len(world.specs)):
        for _, to, _, _, names in refs_of(world, i):
            if to < i or not rows.by[to]:
                continue
            for row in rows.by[i]:
                if rnd.random() < 0.5:
                    continue
                parent = rnd.choice(rows.by[to])
                key = {c: row[c] for c, _ in KEYS[world.specs[i].key]}
                values = dict(
                    zip(names, (parent[c] for c, _ in KEYS[world.specs[to].key]), strict=True)
                )
                row.update(values)
                out.append((i, key, values))
    return out


def build(world: World, engine: Engine) -> Rows:
    """Create the tables and fill them (self and back references set last)."""
    meta, made = tables(world)
    meta.create_all(engine)
    rows = make_rows(world)
    links = _late_links(world, rows, random.Random(world.seed + 1))
    with engine.begin() as conn:
        for i, table in enumerate(made):
            late = [n for _, to, _, _, names in refs_of(world, i) if to >= i for n in names]
            if rows.by[i]:
                conn.execute(insert(table), [{**r, **dict.fromkeys(late)} for r in rows.by[i]])
        for i, key, values in links:
            table = made[i]
            conn.execute(
                update(table).where(*(table.c[k] == v for k, v in key.items())).values(**values)
            )
    return rows


def drop(world: World, engine: Engine) -> None:
    meta, _ = tables(world)
    meta.drop_all(engine)


# --- the workspace: map, policy, retention.yaml --------------------------------------
def datamap(world: World, kind: str) -> str:
    colls = []
    for i, spec in enumerate(world.specs):
        keys = [c for c, _ in KEYS[spec.key]]
        coll: dict[str, Any] = {
            "name": world.name(i),
            "primary_key": keys[0] if len(keys) == 1 else keys,
            "identity": {"email": "email"},
            "fields": [
                {
                    "name": "email",
                    "category": "contact",
                    "label": {"fr": "Courriel", "en": "Email"},
                },
                {
                    "name": "note",
                    "category": "other",
                    "label": {"fr": "Note", "en": "Note"},
                    "erasure": "null",
                },
            ],
        }
        refs = []
        for _, to, meaning, _, names in refs_of(world, i):
            refs.append(
                {
                    "column": names[0] if len(names) == 1 else names,
                    "to": world.name(to),
                    "meaning": meaning,
                }
            )
        if refs:
            coll["references"] = refs
        if spec.restriction:
            coll["restriction"] = {"column": "restricted", "value": 1}
        if spec.immutable:
            coll["immutable"] = True
            coll["immutable_reason"] = "a record that is never rewritten"
        if spec.shared:
            coll["shared"] = True
        if spec.rule:
            coll["retention"] = {"rule": spec.rule, "dates": {e: e for e in EVENTS[spec.rule]}}
        colls.append(coll)
    doc = {
        "version": 1,
        "systems": [
            {"id": SYSTEM, "kind": kind, "url_env": "GARANT_SAFETY_URL", "collections": colls}
        ],
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def retention_yaml(world: World) -> str:
    return f"batch_size: {world.batch_size}\n"


COMPOSITE = sorted(k for k in KEYS if k != "int")


@st.composite
def duty_cycle_worlds(draw: st.DrawFn) -> World:
    """Worlds built around the two shapes an erasure once refused or kept live (issue 15):
    a collection under a legal duty (``pay``: archived) keyed by two columns of any types,
    and a cycle of collections that all delete their rows, closed by a nullable reference
    (a person pointing at the household it owns; through a third collection when ``long``).
    Random relatives, holds and restrictions around them."""
    long = draw(st.booleans())
    person = Spec(
        key=draw(st.sampled_from(sorted(KEYS))),
        self_ref=draw(st.integers(0, 3)) == 0,
        rule=draw(st.sampled_from([None, "short", "long"])),
        back=2 if long else 1,
        rows=draw(st.integers(2, 8)),
    )
    household = Spec(
        key=draw(st.sampled_from(sorted(KEYS))),
        refs=(Ref(0, "owns", draw(st.booleans())),),
        restriction=draw(st.integers(0, 4)) == 0,
        rows=draw(st.integers(1, 6)),
    )
    specs = [person, household]
    if long:
        specs.append(Spec(key=draw(st.sampled_from(sorted(KEYS))), refs=(Ref(1, "owns", False),)))
    owner = draw(st.integers(0, len(specs) - 1))
    specs.append(
        Spec(
            key=draw(st.sampled_from(COMPOSITE)),
            refs=(Ref(owner, "owns", draw(st.booleans())),),
            self_ref=draw(st.integers(0, 4)) == 0,
            rule="pay",
            restriction=draw(st.integers(0, 3)) == 0,
            immutable=draw(st.integers(0, 3)) == 0,
            rows=draw(st.integers(1, 8)),
        )
    )
    if draw(st.booleans()):  # a relative pointing into the cycle without being in it
        to = draw(st.integers(0, len(specs) - 1))
        meaning = draw(st.sampled_from(["owns", "context"]))
        specs.append(Spec(key=draw(st.sampled_from(sorted(KEYS))), refs=(Ref(to, meaning, True),)))
    hold = draw(st.one_of(st.none(), st.integers(0, len(specs) - 1)))
    return World(
        tuple(specs),
        draw(st.integers(0, 2**16)),
        hold if draw(st.integers(0, 4)) == 0 else None,
        draw(st.integers(0, 3)) == 0,
        draw(st.integers(1, 4)),
    )
