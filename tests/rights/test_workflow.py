"""Identity, the stopped clock, extensions, reminders, the dashboard, holds, further copies,
and Garant's own records (AF-R5, AF-R6, AF-X2, DEF-D2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from garant.app import Garant
from garant.audit.service import events_for
from garant.clock import FixedClock
from garant.errors import Conflict, InvalidInput
from garant.jobs.service import JobContext
from garant.rights import (
    dashboard,
    decisions,
    documents,
    execute,
    identity,
    intake,
    package,
    reminders,
    service,
)
from garant.rights.models import IdentityCheck
from garant.rights.rules import TRANSITIONS, Status, transition
from garant.rights.schemas import DecideIn
from garant.store.uow import SYSTEM
from tests.rights.conftest import DATAMAP, NOW, POLICY, ada, make_school_db
from tests.rights.helpers import code_for, mails, open_verified, run_requests


def test_state_machine_refuses_steps_it_does_not_allow() -> None:
    class Req:
        status = "received"

    req = Req()
    transition(req, Status.AWAITING_IDENTITY)
    with pytest.raises(Conflict, match="cannot become answered"):
        transition(req, Status.ANSWERED)
    assert TRANSITIONS[Status.CLOSED] == frozenset()


def test_af_x2_clock_runs_while_waiting_for_the_routine_code(school_sqlite: Garant) -> None:
    """AF-X2: due one month from receipt. Art. 12(6) stops the clock only for information
    asked on reasonable doubt; a routine code to the address on file is none (issue 17's
    legal review), so the two days spent waiting for it do not push the due date back."""
    garant = school_sqlite
    with garant.unit_of_work() as uow:
        req, _ = intake.submit(uow=uow, data=ada("access"))
        rid = req.id
        assert req.due_day == date(2026, 4, 2)
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(days=2)
    identity.try_code(garant, SYSTEM, request_id=rid, code=code_for(garant, rid))
    with garant.unit_of_work() as uow:
        read = service.read(uow, service.get(uow, rid))
    assert read.paused_days == 0 and read.due_day == date(2026, 4, 2)


def test_af_x2_extension_told_before_first_month_ends(school_sqlite: Garant) -> None:
    garant = school_sqlite
    rid = open_verified(garant, ada("access"))
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(days=40)  # past 2 April
    with garant.unit_of_work() as uow, pytest.raises(Conflict, match="within one month"):
        service.extend(uow=uow, request_id=rid, reason="complex")
    garant.clock.advance(days=-20)
    with garant.unit_of_work() as uow:
        extended = service.extend(uow=uow, request_id=rid, reason="Eight systems to search")
        assert extended.due_day == date(2026, 6, 2)
    text = mails(garant, "rights_extension", rid)[0].body_text or ""
    assert "Eight systems to search" in text and "2 June 2026" in text


@pytest.fixture
def strict_school(make_garant: Callable[..., Garant], tmp_path: object) -> Garant:
    """A policy that insists on an identity document (DEF-D2)."""
    policy = POLICY.replace("identity_proof: code", "identity_proof: document")
    garant = make_garant(policy=policy, now=NOW)
    (garant.workspace / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    make_school_db(garant.workspace / "school.db")
    garant.reload()
    return garant


def test_def_d2_af_r6_document_encrypted_then_deleted_record_kept(strict_school: Garant) -> None:
    """DEF-D2: the policy insists on a document; AF-R6: stored encrypted, deleted once
    checked, the record of the check (type, who, when) kept and declared for one year."""
    garant = strict_school
    image = b"%PDF-1.4 passport scan of Ada"
    with garant.unit_of_work() as uow:
        req, _ = intake.submit(uow=uow, data=ada("access"))
        rid = req.id
        assert req.status == "awaiting_identity"
    assert mails(garant, "rights_document", rid)
    with garant.unit_of_work() as uow:
        check = documents.upload_document(
            uow=uow, request_id=rid, document_type="passport", content=image
        )
        assert check.document is not None and image not in check.document
    with garant.unit_of_work() as uow:
        identity.staff_check(uow=uow, request_id=rid, accepted=True, note="photo matches")
        assert service.get(uow, rid).status == "verified"
        checks = uow.session.scalars(select(IdentityCheck)).all()
        assert [(c.method, c.status, c.document_type) for c in checks] == [
            ("document", "passed", "passport")
        ]
        assert checks[0].document is None and checks[0].document_deleted_at is not None
        assert checks[0].checked_by == "system:garant" or checks[0].checked_by
    rules = {
        r.table: r
        for r in garant.own_data_rules
        if getattr(r, "table", "").startswith(("identity", "rights"))
    }
    assert (
        rules["identity_checks"].promise == "AF-R6" and rules["identity_checks"].default == "1 year"
    )


def test_af_r5_closed_requests_declared_for_five_years(school_sqlite: Garant) -> None:
    """AF-R5: Garant's own request records follow a retention rule (five years once closed)."""
    from sqlalchemy import column, table

    rules = [r for r in school_sqlite.own_data_rules if getattr(r, "promise", None) == "AF-R5"]
    assert {r.table for r in rules} >= {"rights_requests", "request_decisions", "erasure_journal"}
    main = next(r for r in rules if r.table == "rights_requests")
    assert main.date_column == "closed_at" and main.default == "5 years"
    assert main.condition is not None
    assert "closed_at IS NOT NULL" in str(
        main.condition(table("rights_requests", column("closed_at")))
    )


def test_wrong_code_refused_and_attempts_limited(school_sqlite: Garant) -> None:
    garant = school_sqlite
    with garant.unit_of_work() as uow:
        rid = intake.submit(uow=uow, data=ada("access"))[0].id
    good = code_for(garant, rid)
    bad = "000000" if good != "000000" else "111111"
    for _ in range(identity.MAX_ATTEMPTS):
        with pytest.raises(InvalidInput):
            identity.try_code(garant, SYSTEM, request_id=rid, code=bad)
    with pytest.raises(Conflict, match="no longer be used"):
        identity.try_code(garant, SYSTEM, request_id=rid, code=good)
    with garant.unit_of_work() as uow:
        check = identity.checks_for(uow, rid)[-1]
        assert (check.status, check.attempts) == ("locked", identity.MAX_ATTEMPTS)
        failed = [
            e
            for e in events_for(uow.session, object_type="request", object_id=rid)
            if e["action"] == "request.identity_failed"
        ]
    assert len(failed) == identity.MAX_ATTEMPTS and failed[-1]["details"]["locked"] is True
    assert all(good not in str(e) and bad not in str(e["details"]) for e in failed)


def test_reminders_before_due_date_and_overdue_tops_dashboard(school_sqlite: Garant) -> None:
    """A deadline is never silently missed: reminders, then the dashboard's top section."""
    garant = school_sqlite
    garant.settings.mail.dpo_address = "dpo@ecole.example"
    rid = open_verified(garant, ada("access"))
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(days=27)  # 29 March: 4 days before 2 April
    context = JobContext(garant, 0, reminders.JOB, {}, "t")
    assert reminders.handler(context) == {"sent": 1}
    assert reminders.handler(context) == {"sent": 0}  # not twice
    assert "2 avril 2026" in (mails(garant, "rights_reminder")[0].subject)
    garant.clock.advance(days=7)  # 5 April: late
    with garant.unit_of_work() as uow:
        sections = dashboard.provider(garant, uow)
    assert sections[0]["level"] == "late" and f"#{rid}" in sections[0]["items"][0]["text"]


def test_legal_hold_keeps_data_against_erasure(school_sqlite: Garant) -> None:
    """DEF-R4 / Art. 17(3)(e): a person under a legal hold is not erased."""
    from garant.retention.holds import add_hold

    garant = school_sqlite
    with garant.unit_of_work() as uow:
        add_hold(uow=uow, reason="litigation", identity=("email", "ada@example.org"))
    rid = open_verified(garant, ada("erasure"))
    with garant.unit_of_work() as uow:
        read = service.read(uow, service.get(uow, rid))
    assert {d.decision for d in read.decisions} == {"keep"}
    assert all(d.ground == "art17_3_e" for d in read.decisions)


def test_pending_request_holds_data_until_answered(school_sqlite: Garant) -> None:
    from garant.retention.models import Hold

    garant = school_sqlite
    rid = open_verified(garant, ada("access"))
    with garant.unit_of_work() as uow:
        hold = uow.session.scalars(select(Hold)).one()
        assert hold.source == f"request:{rid}" and hold.released_at is None
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
        execute.run(uow=uow, request_id=rid)
    run_requests(garant)
    with garant.unit_of_work() as uow:
        assert uow.session.scalars(select(Hold)).one().released_at is not None


def test_art15_3_further_copy_with_a_fee(school_sqlite: Garant) -> None:
    """Art. 15(3): a further copy of the export, for a reasonable fee with its reason."""
    garant = school_sqlite
    rid = open_verified(garant, ada("access"))
    with garant.unit_of_work() as uow:
        with pytest.raises(Conflict):
            execute.further_copy(uow=uow, request_id=rid, fee_cents=1000, fee_reason="x")
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
        execute.run(uow=uow, request_id=rid)
    run_requests(garant)
    with garant.unit_of_work() as uow, pytest.raises(InvalidInput, match="reason"):
        execute.further_copy(uow=uow, request_id=rid, fee_cents=1000)
    with garant.unit_of_work() as uow:
        execute.further_copy(uow=uow, request_id=rid, fee_cents=1000, fee_reason="Third copy")
    run_requests(garant)
    with garant.unit_of_work() as uow:
        assert package.count(uow, rid) == 2
        assert service.get(uow, rid).fee_cents == 1000
    assert "10.00 EUR" in (mails(garant, "rights_fee", rid)[0].body_text or "")
    assert len(mails(garant, "rights_reply", rid)) == 2


def test_manifestly_excessive_request_refused_with_reasons(school_sqlite: Garant) -> None:
    """Art. 12(5): refusal with reasons, naming the authority and the judicial remedy."""
    garant = school_sqlite
    rid = open_verified(garant, ada("access"))
    with garant.unit_of_work() as uow:
        with pytest.raises(InvalidInput):
            decisions.decide(uow=uow, request_id=rid, data=DecideIn(refuse_reason=" "))
        decisions.decide(
            uow=uow,
            request_id=rid,
            data=DecideIn(refuse_reason="Fifth identical request this week"),
        )
    text = mails(garant, "rights_reply", rid)[-1].body_text or ""
    assert "Fifth identical request this week" in text
    assert "CNIL" in text and "judicial remedy" in text  # AF-D9, DEF-D6


def test_af_d9_reply_in_french_names_the_cnil(school_sqlite: Garant) -> None:
    """AF-D9 / DEF-D6: the reply, in the person's language, names the supervisory authority."""
    garant = school_sqlite
    data = ada("access").model_copy(
        update={"identities": {"email": "zoe@example.org"}, "lang": "fr"}
    )
    rid = open_verified(garant, data)
    text = mails(garant, "rights_reply", rid)[-1].body_text or ""
    assert "Nous ne détenons aucune donnée personnelle vous concernant." in text
    assert "CNIL" in text and "recours juridictionnel" in text


def test_fee_for_a_manifestly_excessive_request_then_paid(school_sqlite: Garant) -> None:
    """Art. 12(5)(a): a reasonable fee with its reason; once paid the request goes on."""
    garant = school_sqlite
    rid = open_verified(garant, ada("access"))
    with garant.unit_of_work() as uow:
        with pytest.raises(InvalidInput, match="reason"):
            decisions.decide(uow=uow, request_id=rid, data=DecideIn(fee_cents=2500))
    with garant.unit_of_work() as uow:
        decisions.decide(
            uow=uow,
            request_id=rid,
            data=DecideIn(fee_cents=2500, fee_reason="Repetitive requests: twelfth this year"),
        )
        assert service.get(uow, rid).status == "awaiting_fee"
    text = mails(garant, "rights_fee", rid)[0].body_text or ""
    assert "25.00 EUR" in text and "twelfth this year" in text
    with garant.unit_of_work() as uow:
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(fee_paid=True))
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
        assert service.get(uow, rid).status == "decided"


def test_def_d3_portability_on_paper_when_asked(school_sqlite: Garant) -> None:
    """DEF-D3: the copy is electronic (JSON and CSV) unless the person asks for paper;
    then the printable letter carries the data itself."""
    from garant.rights import reply

    garant = school_sqlite
    rid = open_verified(garant, ada("portability", export_format="paper"))
    with garant.unit_of_work() as uow:
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
        execute.run(uow=uow, request_id=rid)
    run_requests(garant)
    with garant.unit_of_work() as uow:
        _, text = reply.letter(uow, service.get(uow, rid))
    assert "[school.learners]" in text and "first_name: Ada" in text
    assert "Bob" not in text


def test_af_d4_transfer_to_an_unreachable_endpoint_is_retried_then_resumes(
    school_sqlite: Garant,
) -> None:
    """AF-D4: a failed transfer leaves the request running; the job is retried and the
    package built before the failure is not built again."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from garant.jobs.worker import run_one
    from tests.conftest import free_port

    port = free_port()
    garant = school_sqlite
    data = ada("portability", destination_url=f"http://127.0.0.1:{port}/in")
    rid = open_verified(garant, data)
    with garant.unit_of_work() as uow:
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
        execute.run(uow=uow, request_id=rid)
    assert run_one(garant, kinds=[execute.JOB]) is False  # nobody listens yet
    with garant.unit_of_work() as uow:
        assert service.get(uow, rid).status == "running"

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["content-length"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = HTTPServer(("127.0.0.1", port), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert isinstance(garant.clock, FixedClock)
        garant.clock.advance(minutes=2)  # the first retry delay
        assert run_requests(garant) == 1
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    with garant.unit_of_work() as uow:
        read = service.read(uow, service.get(uow, rid))
        assert read.status == "answered"
        assert package.count(uow, rid) == 1  # built once, before the failure
    assert next(t for t in read.tasks if t["kind"] == "transfer")["receipt"]["status"] == 200
