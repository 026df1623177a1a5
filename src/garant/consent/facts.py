"""What a use check must read from the store, in one statement.

An uncached check needs three things: whether a use blocker (a restriction, an upheld
objection) may apply, the person's latest ledger state for the consent purpose, and the
newest live suppression entry covering the purpose. Read one by one that is three round
trips to PostgreSQL; here they are the branches of one ``UNION ALL``, built once per shape
and sent as one statement, so an uncached check costs one round trip.

A blocker takes part through its ``probe``: a select that finds a row, given the person's
hashes bound as ``refs``, whenever the blocker may apply (restrictions are rare, so the
probe nearly always finds nothing). When a probe finds one, or a blocker has no probe, the
blocker itself is asked with a unit of work for its exact reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    String,
    bindparam,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.sql import Select

from garant.consent.models import ConsentCurrent
from garant.consent.rules import State, latest
from garant.consent.suppression import MATCHING
from garant.store.base import UTCDateTime

CONSENT, SUPPRESSION, BLOCKER = "c", "s", "b"
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Entry:
    """The newest live suppression entry that stops the purpose."""

    purpose: str
    reason: str
    added_at: datetime


@dataclass(frozen=True)
class Facts:
    """One person's facts for one check."""

    state: State | None
    """Latest ledger state for the consent purpose (``None``: never recorded, or not asked)."""
    entry: Entry | None
    probed: frozenset[int]
    """Indexes (in ``probes``) of the blockers whose probe found a row."""


def _nothing(part: str) -> list[Any]:
    return [
        literal_column(f"'{part}'").label("part"),
        type_coerce(null(), Boolean).label("given"),
        type_coerce(null(), String).label("a"),
        type_coerce(null(), String).label("b"),
        type_coerce(null(), UTCDateTime()).label("at"),
    ]


def _consent_branch() -> AnySelect:
    return select(
        literal_column(f"'{CONSENT}'").label("part"),
        ConsentCurrent.given,
        ConsentCurrent.basis,
        ConsentCurrent.purpose_version,
        ConsentCurrent.at,
    ).where(
        ConsentCurrent.subject_ref.in_(bindparam("refs", expanding=True)),
        ConsentCurrent.purpose == bindparam("purpose"),
    )


def _suppression_branch() -> AnySelect:
    newest = MATCHING.subquery()
    part, given, *_ = _nothing(SUPPRESSION)
    return select(part, given, newest.c.purpose, newest.c.reason, newest.c.added_at)


def _probe_branch(index: int, probe: AnySelect) -> AnySelect:
    return select(*_nothing(f"{BLOCKER}{index}")).where(probe.exists())


_STATEMENTS: dict[tuple[object, ...], Any] = {}


def statement(probes: Sequence[AnySelect], consent: bool, suppression: bool) -> Any:
    """The ``UNION ALL`` of the branches a check needs, built once per shape."""
    key = (tuple(id(p) for p in probes), consent, suppression)
    found = _STATEMENTS.get(key)
    if found is None:
        branches = [_consent_branch()] if consent else []
        if suppression:
            branches.append(_suppression_branch())
        branches += [_probe_branch(i, p) for i, p in enumerate(probes)]
        found = _STATEMENTS[key] = union_all(*branches) if len(branches) > 1 else branches[0]
    return found


def read(
    conn: Connection,
    probes: Sequence[AnySelect],
    refs: list[str],
    *,
    purpose: str | None,
    names: list[str] | None,
    now: datetime,
) -> Facts:
    """The facts in one statement: ``purpose`` the consent purpose whose state counts (or
    ``None``), ``names`` the suppression purposes that cover the use (or ``None``: the
    suppression list does not apply)."""
    if purpose is None and names is None and not probes:
        return Facts(None, None, frozenset())
    params: dict[str, Any] = {"refs": refs}
    if purpose is not None:
        params["purpose"] = purpose
    if names is not None:
        params |= {"names": names, "now": now}
    states: list[State] = []
    entry: Entry | None = None
    probed: set[int] = set()
    rows = conn.execute(statement(probes, purpose is not None, names is not None), params)
    for part, given, a, b, at in rows:
        if part == CONSENT:
            states.append(State(given, a, b, at))
        elif part == SUPPRESSION:
            entry = Entry(a, b, at)
        else:
            probed.add(int(part[1:]))
    return Facts(latest(states), entry, frozenset(probed))
