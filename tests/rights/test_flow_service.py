"""Service-level flow: open, code by email, verify, decide, run, reply."""

from __future__ import annotations

import re

from sqlalchemy import select

from garant.app import Garant
from garant.clock import local_date
from garant.jobs.worker import run_one
from garant.mail.models import OutboxMessage
from garant.mail.sealed import open_mail
from garant.retention import archive
from garant.rights import decisions, execute, identity, intake, service
from garant.rights.schemas import DecideIn
from garant.store.uow import SYSTEM
from tests.rights.conftest import ada, school_rows


def _code(garant: Garant) -> str:
    with garant.unit_of_work() as uow:
        msgs = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "rights_code")
        ).all()
        return re.findall(r"\b(\d{6})\b", open_mail(uow.keys, msgs[-1]).body_text or "")[0]


def test_af_d3_erasure_keeps_invoice_and_current_course(school_sqlite: Garant) -> None:
    garant = school_sqlite
    with garant.unit_of_work() as uow:
        req, _ = intake.submit(uow=uow, data=ada("erasure"))
        rid = req.id
        assert req.status == "awaiting_identity"
    identity.try_code(garant, SYSTEM, request_id=rid, code=_code(garant))
    with garant.unit_of_work() as uow:
        read = service.read(uow, service.get(uow, rid))
        assert read.status == "verified"
        by = {d.activity: d for d in read.decisions}
        assert by["invoicing"].decision == "archive"
        assert by["registration"].decision == "erase"
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
        execute.run(uow=uow, request_id=rid)
    while run_one(garant, kinds=[execute.JOB]):
        pass
    with garant.unit_of_work() as uow:
        assert service.get(uow, rid).status == "answered"
    # DEF-R3: Ada's invoice left the live database for the archive (kept 10 years from
    # the close of its financial year under L123-22, no longer kept live with art17_3_b);
    # Bob's is untouched
    assert school_rows(garant.workspace, "select id from invoices order by id") == [(21,)]
    with garant.unit_of_work() as uow:
        (bundle,) = archive.list_bundles(uow=uow)
        assert (bundle.collection, bundle.row_count, bundle.reason) == ("invoices", 1, "erasure")
        expires = local_date(bundle.expires_at, garant.timezone)
        assert expires.isoformat() == "2035-12-31"  # issued 2025-02-01: year closes 2025-12-31
    # the past course is erased, the current one stays (still needed for the contract)
    assert school_rows(garant.workspace, "select id from enrolments order by id") == [(11,), (12,)]
    learners = school_rows(garant.workspace, "select first_name, email from learners order by id")
    assert learners[0][0] is None and learners[0][1].startswith("h:")
    assert learners[1] == ("Bob", "bob@example.org")
    assert school_rows(garant.workspace, "select id from visits order by id") == [(42,)]


def test_def_r3_def_r4_hold_placed_after_the_plan_keeps_the_invoice_live(
    school_sqlite: Garant,
) -> None:
    """DEF-R3 / DEF-R4: a legal hold placed on the invoices between the plan and the move
    stops the move; the invoice stays live, the staff view and the reply say so."""
    from garant.retention import holds
    from garant.rights.reply import context

    garant = school_sqlite
    with garant.unit_of_work() as uow:
        req, _ = intake.submit(uow=uow, data=ada("erasure"))
        rid = req.id
    identity.try_code(garant, SYSTEM, request_id=rid, code=_code(garant))
    with garant.unit_of_work() as uow:
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
        execute.run(uow=uow, request_id=rid)
    assert execute._run_step(garant, rid, "plan") == 1  # the job's first step, on its own
    with garant.unit_of_work() as uow:
        holds.add_hold(uow=uow, reason="tax audit", collection=("school", "invoices"))
    while run_one(garant, kinds=[execute.JOB]):
        pass
    assert school_rows(garant.workspace, "select id from invoices order by id") == [(20,), (21,)]
    with garant.unit_of_work() as uow:
        assert archive.list_bundles(uow=uow) == []
        req = service.get(uow, rid)
        assert req.status == "answered"
        by = {e.place: e for e in service.read(uow, req).erasure}
        invoices = by["school.invoices"]
        assert (invoices.archived, invoices.kept, invoices.why) == (0, 1, "archive_held")
        kept = context(uow, req)["kept"]
    assert any("legal hold" in k["why"] for k in kept)
