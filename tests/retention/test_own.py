"""Garant's own records under retention rules of this engine (AF-R4..AF-R7, audit payloads)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select

from garant.audit import chain
from garant.audit.models import AuditPayload
from garant.retention import own, sweep
from garant.retention.own import OwnDataRule
from garant.store.base import UTCDateTime
from garant.store.models import metadata
from tests.retention.conftest import School


def _fill(table: Table, at: datetime, **given: Any) -> dict[str, Any]:
    """A row with every required column set to a plain value of its type."""
    row: dict[str, Any] = {}
    for column in table.c:
        if column.nullable or column.default is not None or column.autoincrement is True:
            continue
        kind = datetime if isinstance(column.type, UTCDateTime) else column.type.python_type
        row[column.name] = {
            int: 1,
            str: "x",
            bool: False,
            datetime: at,
            date: at.date(),
            dict: {},
            list: [],
            bytes: b"",
        }.get(kind, "x")
    row.update(given)
    return row


def _count(school: School, name: str) -> int:
    garant = school.garant
    assert garant is not None
    with garant.store.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one()
        )


def _insert(school: School, name: str, rows: list[dict[str, Any]]) -> None:
    garant = school.garant
    assert garant is not None
    with garant.store.engine.begin() as conn:
        conn.execute(insert(metadata.tables[name]), rows)


OLD = datetime(2021, 1, 5, 10, tzinfo=UTC)
RECENT = datetime(2026, 2, 1, 10, tzinfo=UTC)


def test_af_r7_suppression_entries_and_af_r4_cookie_choices_expire(school: School) -> None:
    """AF-R7: an objection's entry lives three years (its expires_at); AF-R4: a cookie
    choice 13 months. The consent feature declares them; the sweep applies them."""
    school.open("2026-03-02")
    sup = metadata.tables["suppression_entries"]
    three_years_ago = datetime(2023, 3, 1, 9, tzinfo=UTC)
    _insert(
        school,
        "suppression_entries",
        [
            _fill(sup, OLD, id=1, added_at=three_years_ago, expires_at=three_years_ago),
            _fill(sup, OLD, id=2, added_at=datetime(2023, 3, 3, 9, tzinfo=UTC)),
        ],
    )
    cookies = metadata.tables["cookie_choices"]
    _insert(
        school,
        "cookie_choices",
        [
            _fill(cookies, OLD, id="a", chosen_at=datetime(2025, 1, 31, 9, tzinfo=UTC)),
            _fill(cookies, RECENT, id="b", chosen_at=datetime(2025, 2, 3, 9, tzinfo=UTC)),
        ],
    )
    assert school.garant is not None
    record = sweep.run(school.garant)
    assert _count(school, "suppression_entries") == 1
    assert _count(school, "cookie_choices") == 1
    assert sum(v for k, v in record.counts["own_data"].items() if k.startswith("suppression")) == 1


def test_af_r5_request_records_and_af_r6_identity_checks(school: School) -> None:
    """AF-R5: closed request records go five years after closing; AF-R6: identity
    verification records one year. The rights feature declares them."""
    school.open("2026-03-02")
    requests = metadata.tables["rights_requests"]
    checks = metadata.tables["identity_checks"]
    _insert(
        school,
        "rights_requests",
        [
            _fill(requests, OLD, id=1, closed_at=datetime(2020, 6, 1, tzinfo=UTC)),
            _fill(requests, OLD, id=2, closed_at=datetime(2024, 6, 1, tzinfo=UTC)),
            _fill(requests, OLD, id=3, closed_at=None),
        ],
    )
    _insert(
        school,
        "identity_checks",
        [
            _fill(checks, OLD, id=1, request_id=2, created_at=datetime(2024, 6, 1, tzinfo=UTC)),
            _fill(checks, OLD, id=2, request_id=2, created_at=RECENT),
        ],
    )
    garant = school.garant
    assert garant is not None
    rules = {
        r.table: r for r in map(own.coerce, garant.own_data_rules) if isinstance(r, OwnDataRule)
    }
    for table in ("identity_checks", "rights_requests"):
        own.apply_rule(garant, rules[table])
    with garant.store.engine.connect() as conn:
        left = conn.execute(select(requests.c.id).order_by(requests.c.id)).scalars().all()
        kept = conn.execute(select(checks.c.id)).scalars().all()
    assert left == [2, 3], "closed 2020 removed; closed 2024 and open kept"
    assert kept == [2]


def test_audit_payloads_blanked_once(school: School) -> None:
    """Proof payloads in the audit log are blanked after their period; the chain stays."""
    garant = school.open("2020-01-01")
    with garant.unit_of_work() as uow:
        uow.audit("test.proof", "thing", 1, payload={"email": "a@example.org"})
    garant = school.open("2026-03-02")
    with garant.unit_of_work() as uow:
        uow.audit("test.proof", "thing", 2, payload={"email": "b@example.org"})
    rule = own.audit_payload_rule()
    assert own.apply_rule(garant, rule) == 1
    assert own.apply_rule(garant, rule) == 0, "a re-run changes nothing"
    with garant.unit_of_work(read_only=True) as uow:  # payloads are kept encrypted
        rows = [
            (chain.open_payload(uow.keys, p), p.erase_reason)
            for p in uow.session.scalars(select(AuditPayload).order_by(AuditPayload.seq))
        ]
    assert rows == [(None, "retention"), ({"email": "b@example.org"}, None)]


def test_prose_condition_is_reported_not_guessed(school: School) -> None:
    result = own.coerce({"table": "consent_events", "date_column": "at", "after": "withdrawal"})
    assert isinstance(result, str) and "not applied" in result
