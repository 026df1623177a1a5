"""DEF-R3: an erasure request moves records under a legal duty to the archive at once.

On the DEF Network example (store and CRM on SQLite, both on PostgreSQL, or the CRM on
MariaDB, whose foreign keys refuse a parent deleted before its children): the customer's
invoices, orders and bank records leave the live database for encrypted archive bundles,
each destroyed when its statute's period ends, and so are their contracts (a limitation
period, kept as evidence for legal claims because the policy says ``on_erasure: archive``);
the rest of their data is erased; nobody else's rows change; a record under a legal hold
stays live and the reply says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from garant.clock import FixedClock, local_date
from garant.demo.generate import generate_database
from garant.jobs.worker import run_one
from garant.retention import archive, holds, sweep
from garant.retention.rules import as_date, year_close
from garant.rights import decisions, execute, identity, intake, service
from garant.rights.schemas import DecideIn, RequestCreate
from garant.store.uow import Actor
from tests.conftest import PG_ADMIN_URL, _fresh_database
from tests.rights.helpers import api_client, mails

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUTY = ("invoices", "orders", "bank_details", "contracts")
"""Archived on erasure: under a duty to keep them (Code de commerce L123-22, Code monétaire
L561-12, Art. 17(3)(b)), or, for contracts, for the limitation period of L110-4 as evidence
for legal claims (Art. 17(3)(e)), which DEF's policy chooses with ``on_erasure: archive``."""
ERASED = ("connection_logs", "customer_notes", "event_registrations", "tender_answers")
"""Tender answers are archived by the sweep for a limitation period (Code civil 2224) but,
with no ``on_erasure`` choice, erased on request unless a legal hold records a claim."""
ARCHIVIST = Actor("user", "archiviste@def.example", "archivist")


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def def_network(
    request: pytest.FixtureRequest,
    make_garant: Callable[..., Garant],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Garant, str]]:
    """DEF's workspace; the store and the CRM both on SQLite, or both on PostgreSQL; or the
    CRM on MariaDB."""
    drop = None
    if request.param == "postgres":
        store = str(request.getfixturevalue("pg_url"))
        crm, drop = _fresh_database(PG_ADMIN_URL, "pg")
    elif request.param == "mariadb":  # a CRM on MariaDB (InnoDB foreign keys), store on SQLite
        store = f"sqlite:///{tmp_path / 'store.db'}"
        crm = str(request.getfixturevalue("mariadb_url"))
    else:
        store = f"sqlite:///{tmp_path / 'store.db'}"
        crm = f"sqlite:///{tmp_path / 'crm.db'}"
    monkeypatch.setenv("DEF_CRM_URL", crm)
    generate_database("def-network", crm, persons=16, seed=7, record=False)
    garant = make_garant(example="def-network", url=store, now=NOW)
    if request.param != "sqlite":
        kind = "postgresql" if request.param == "postgres" else "mysql"
        path = garant.workspace / "datamap.yaml"
        text_ = path.read_text(encoding="utf-8").replace("kind: sqlite", f"kind: {kind}", 1)
        path.write_text(text_, encoding="utf-8")
        garant.reload()
    try:
        yield garant, crm
    finally:
        garant.close()
        if drop is not None:
            drop()


def _crm(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def _customer(url: str, email: str) -> int:
    return int(_crm(url, "SELECT id FROM customers WHERE email = :e", e=email)[0][0])


def _theirs(url: str, customer: int) -> dict[str, set[int]]:
    """The ids of the customer's rows in every collection of the person."""
    by_customer = "SELECT id FROM {} WHERE customer_id = :c"
    queries = {name: by_customer.format(name) for name in (*DUTY, *ERASED) if name != "invoices"}
    queries["invoices"] = (
        "SELECT i.id FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = :c"
    )
    queries["customers"] = "SELECT id FROM customers WHERE id = :c"
    return {name: {r[0] for r in _crm(url, sql, c=customer)} for name, sql in queries.items()}


def _everyone(url: str) -> dict[str, set[int]]:
    names = (*DUTY, *ERASED, "customers")
    return {name: {r[0] for r in _crm(url, f"SELECT id FROM {name}")} for name in names}


def _erase(garant: Garant, email: str, look: Callable[[int], None] | None = None) -> int:
    """DEF's way: a written request, an identity document checked by staff (DEF-D2)."""
    staff = Actor("user", "dpo@def.example", "dpo")
    data = RequestCreate(
        type="erasure", identities={"email": email}, channel="email", reply_email=email, lang="en"
    )
    with garant.unit_of_work(staff) as uow:
        req, _ = intake.submit(uow=uow, data=data)
        rid = req.id
    with garant.unit_of_work(staff) as uow:
        identity.staff_check(
            uow=uow, request_id=rid, accepted=True, method="document", document_type="id_card"
        )
    with garant.unit_of_work(staff) as uow:
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
    if look is not None:
        look(rid)  # staff look at the plan before running it
    with garant.unit_of_work(staff) as uow:
        execute.run(uow=uow, request_id=rid)
    while run_one(garant, kinds=[execute.JOB]):
        pass
    with garant.unit_of_work() as uow:
        assert service.get(uow, rid).status == "answered"
    return rid


def _bundles(garant: Garant, source: str) -> list[archive.ArchiveBundle]:
    from sqlalchemy import select

    from garant.audit.models import AuditEvent

    with garant.unit_of_work() as uow:
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "archive.create")
        ).all()
        ids = {e.object_id for e in events if (e.details or {}).get("source") == source}
        found = [b for b in archive.list_bundles(uow=uow, include_destroyed=True) if b.id in ids]
        uow.session.expunge_all()
        return found


def _surfaces_show_the_move(garant: Garant, rid: int, until: list[date], archived: int) -> None:
    """The API, the back-office page and ``garant request show`` list the move (invoices
    of one financial year share one destruction date, so one bundle)."""
    with api_client(garant) as client:
        shown = client.get(f"/api/rights/requests/{rid}").json()
        page = client.get(f"/admin/rights/{rid}").text
    by = {e["place"]: e for e in shown["erasure"]}
    assert by["crm.invoices"]["archived"] == archived and by["crm.invoices"]["erased"] == 0
    assert by["crm.invoices"]["until"] == [d.isoformat() for d in until]
    assert "L123-22" in by["crm.invoices"]["statute"]
    assert by["crm.customers"]["erased"] == 1 and by["crm.customers"]["kept"] == 0
    assert by["crm.contracts"]["archived"] >= 1 and by["crm.contracts"]["erased"] == 0
    assert "L110-4" in by["crm.contracts"]["statute"]
    assert "Moved to the archive" in page and until[-1].isoformat() in page
    if not str(garant.store.url).startswith("sqlite"):
        return  # a CLI process leaves its store pool to the exit; pytest flags it on PostgreSQL
    env = {"GARANT_DATABASE_URL": str(garant.store.url)}
    result = CliRunner().invoke(
        build_app(),
        [
            "request",
            "show",
            str(rid),
            "--workspace",
            str(garant.workspace),
            "--as-of",
            "2026-03-02",
        ],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())  # the console wraps long lines
    assert f"moved to the archive until {', '.join(d.isoformat() for d in until)}" in shown


def _audited_without_personal_values(garant: Garant, rid: int, values: list[str]) -> None:
    """The move is audited (request, bundle, live removal), with counts and ids only."""
    from sqlalchemy import select

    from garant.audit.models import AuditEvent

    actions = ("erasure.archive", "archive.create", "archive.remove_live")
    with garant.unit_of_work() as uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions)))
        found = [(e.action, e.details or {}) for e in events]
    assert {a for a, _ in found} == set(actions)
    moves = [d for a, d in found if a == "erasure.archive"]
    assert {d["place"] for d in moves} == {f"crm.{n}" for n in DUTY}
    text_ = repr(found)
    assert not any(v in text_ for v in values), "no personal value in details"


def _sweep(garant: Garant, at: datetime) -> None:
    """The retention sweep run by the worker on a later day, on the same workspace."""
    later = Garant.open(garant.workspace, clock=FixedClock(at), database_url=str(garant.store.url))
    try:
        sweep.run(later)
    finally:
        later.close()


def test_def_r3_erasure_moves_duty_records_to_the_archive_until_their_statute_ends(
    def_network: tuple[Garant, str],
) -> None:
    """DEF-R3 (with DEF-R4, DEF-R5, DEF-R6): on an erasure request the customer's
    invoices, orders and bank records leave the live database at once for
    the encrypted archive, each bundle destroyed when its statute's period ends (counted
    from the record's own date, or from the close of its financial year: L123-22);
    everything else of theirs is erased, the customer row too (nothing live needs it any
    more); other customers' rows are untouched; the reply
    says what was moved, under which duty, until when; the sweep destroys the bundles on
    schedule. A record under a legal hold stays live, and so does the customer it names."""
    garant, crm = def_network
    email = "blineric284@laposte.net"
    customer = _customer(crm, email)
    mine = _theirs(crm, customer)
    assert all(mine[n] for n in DUTY)
    issued = {r[0]: as_date(r[1]) for r in _crm(crm, "SELECT id, issued_at FROM invoices")}
    numbers = [
        r[0]
        for r in _crm(
            crm,
            "SELECT number FROM invoices WHERE id IN "
            f"({','.join(str(i) for i in mine['invoices'])})",
        )
    ]
    before = _everyone(crm)

    rid = _erase(garant, email)

    after = _everyone(crm)
    for name, ids in before.items():
        assert after[name] == ids - mine[name], f"{name}: only the customer's rows leave"
    bundles = _bundles(garant, f"request:{rid}")
    moved: dict[str, int] = {}
    for bundle in bundles:
        moved[bundle.collection] = moved.get(bundle.collection, 0) + bundle.row_count
    assert moved == {n: len(mine[n]) for n in DUTY}, "every duty record went to the archive"
    invoices = [b for b in bundles if b.collection == "invoices"]
    year_end = garant.policy.controller.year_end
    expected = sorted(
        {year_close(issued[i], year_end) + relativedelta(years=10) for i in mine["invoices"]}
    )
    got = sorted(local_date(b.expires_at, garant.timezone) for b in invoices)
    assert got == expected, (
        "each invoice kept 10 years from the close of its financial year (L123-22), no longer"
    )
    assert all(b.statute and "L123-22" in b.statute for b in invoices)

    # encrypted at rest; read back only by the archivist, with a reason, audited (DEF-R5)
    folder = archive.archive_dir(garant)
    for bundle in invoices:
        sealed = (folder / f"{bundle.id}.bundle").read_bytes()
        assert not any(n.encode() in sealed for n in numbers)
    with garant.unit_of_work(ARCHIVIST) as uow:
        rows = [
            r
            for b in invoices
            for r in archive.restore_bundle(uow=uow, bundle_id=b.id, reason="tax audit")
        ]
    assert sorted(r["number"] for r in rows) == sorted(numbers)
    assert all(r["billing_name"] for r in rows), "an invoice keeps the client it names"

    reply = mails(garant, "rights_reply", rid)[-1].body_text or ""
    assert "What we moved to the archive" in reply
    assert "Code de commerce, art. L123-22" in reply
    flat = " ".join(reply.split())
    assert "establishment, exercise or defence of legal claims: Code de commerce, art. L110-4" in (
        flat
    ), "contracts: a limitation period, kept for legal claims, not as a legal duty"
    for day in got:
        assert f"destroyed on {day.isoformat()}" in reply

    _surfaces_show_the_move(garant, rid, got, len(mine["invoices"]))
    _audited_without_personal_values(garant, rid, [email, *numbers])

    # DEF-R6: the sweep destroys each invoice bundle when its own period ends, not before
    first, last = got[0], got[-1]
    _sweep(garant, datetime.combine(first - timedelta(days=1), time(12), UTC))
    swept = {b.id: b for b in _bundles(garant, f"request:{rid}")}
    assert all(swept[b.id].destroyed_at is None for b in invoices), "not a day early"
    banking = [b for b in swept.values() if b.collection == "bank_details"]
    assert banking and all(b.destroyed_at is not None for b in banking), "5 years: gone"
    _sweep(garant, datetime.combine(last, time(12), UTC))
    destroyed = {b.id for b in _bundles(garant, f"request:{rid}") if b.destroyed_at is not None}
    assert {b.id for b in invoices} <= destroyed
    assert not (folder / f"{invoices[-1].id}.bundle").exists()


def test_def_r3_def_r4_a_held_record_stays_live_with_the_customer_it_names(
    def_network: tuple[Garant, str],
) -> None:
    """DEF-R3 / DEF-R4: bank records under a legal hold are neither archived nor erased;
    the customer they name stays live; the invoices and orders still move."""
    garant, crm = def_network
    email = "marineweiss931@gmail.com"
    customer = _customer(crm, email)
    mine = _theirs(crm, customer)
    with garant.unit_of_work(Actor("user", "dpo@def.example", "dpo")) as uow:
        holds.add_hold(uow=uow, reason="litigation", collection=("crm", "bank_details"))

    def look(rid: int) -> None:
        with api_client(garant) as client:
            planned = client.get(f"/api/rights/requests/{rid}/erasure-plan").json()
        by = {p["place"]: p for p in planned}
        assert by["crm.bank_details"]["kept"] == 1 and by["crm.bank_details"]["why"] == (
            "art17_3_e"
        )
        assert by["crm.invoices"]["archived"] == len(mine["invoices"])
        assert by["crm.invoices"]["until"] and not by["crm.invoices"]["done"]
        assert by["crm.customers"]["why"] == "owns_kept_records"
        if str(garant.store.url).startswith("sqlite"):
            args = ["request", "plan", str(rid), "--workspace", str(garant.workspace)]
            result = CliRunner().invoke(
                build_app(),
                [*args, "--as-of", "2026-03-02"],
                env={"GARANT_DATABASE_URL": str(garant.store.url)},
                catch_exceptions=False,
            )
            assert result.exit_code == 0, result.output
            text_ = " ".join(result.output.split())  # the console wraps long lines
            count = len(mine["invoices"])
            assert f"crm.invoices: 0 erased; {count} moved to the archive until" in text_
            assert "(planned)" in text_
        assert _theirs(crm, customer) == mine, "a preview changes nothing"

    rid = _erase(garant, email, look)

    left = _theirs(crm, customer)
    assert left["bank_details"] == mine["bank_details"], "held: not moved, not erased"
    assert left["customers"] == {customer}, "named by a record kept live"
    assert not left["invoices"] and not left["orders"] and not left["contracts"]
    assert not left["connection_logs"]
    moved = {b.collection for b in _bundles(garant, f"request:{rid}")}
    assert moved == {"invoices", "orders", "contracts"}
    reply = mails(garant, "rights_reply", rid)[-1].body_text or ""
    assert "legal claims" in reply and "What we moved to the archive" in reply
