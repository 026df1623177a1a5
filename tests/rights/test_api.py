"""Every request type end to end through the API, on SQLite and PostgreSQL (DEF-D1)."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from garant.app import Garant
from garant.audit.chain import open_payload
from garant.audit.models import AuditPayload
from garant.rights import package, restriction, service
from garant.rights.models import RequestCorrection
from tests.rights.conftest import school_rows
from tests.rights.helpers import api_client, decide_and_run, mails, submit_verified

ADA = {"email": "ada@example.org"}


def _refs(garant: Garant) -> list[str]:
    with garant.unit_of_work() as uow:
        return uow.subject_refs("email", "ada@example.org")


def _package_json(garant: Garant, request_id: int) -> dict[str, Any]:
    with garant.unit_of_work() as uow:
        latest = package.latest(uow, request_id)
        assert latest is not None
        data: dict[str, Any] = json.loads(package.data_json(uow, latest))
        return data


def test_af_d1_access_exports_the_person_and_nobody_else(school: Garant) -> None:
    """AF-D1 / DEF-D4: every record of the person, the confidential note left out, Bob absent."""
    with api_client(school) as client:
        rid = submit_verified(client, school, {"type": "access", "identities": ADA, "lang": "en"})
        shown = decide_and_run(client, school, rid)
    assert shown["status"] == "answered"
    data = _package_json(school, rid)
    assert [r["first_name"] for r in data["school.learners"]] == ["Ada"]
    assert "notes" not in data["school.learners"][0]
    assert sorted(r["course_code"] for r in data["school.enrolments"]) == ["FR-A1", "FR-B1"]
    assert "Bob" not in json.dumps(data)
    reply = mails(school, "rights_reply", rid)[-1]
    assert "/privacy/requests/download/" in (reply.body_text or "")
    assert "CNIL" in (reply.body_text or "")  # AF-D9
    with school.unit_of_work() as uow:
        latest = package.latest(uow, rid)
        assert latest is not None
        assert latest.manifest["excluded"] == {"school.learners": {"fields": ["notes"]}}
        with zipfile.ZipFile(io.BytesIO(package.content(uow, latest))) as archive:
            # the rich package of `garant subject export`, plus every record in data.json
            names = set(archive.namelist())
            assert {"data.json", "index.html", "school/learners.csv", "manifest.json"} <= names


class _Receiver(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        length = int(self.headers["content-length"])
        _Receiver.received.append(self.rfile.read(length))
        self.send_response(201)
        self.end_headers()
        self.wfile.write(b'{"accepted": true}')

    def log_message(self, *args: Any) -> None:
        return None


def test_af_d4_portability_sent_to_another_organization_with_receipt(school: Garant) -> None:
    """AF-D4: only portable fields of consent/contract activities; sent, receipt recorded."""
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Receiver.received = []
    try:
        url = f"http://127.0.0.1:{server.server_port}/import"
        with api_client(school) as client:
            body = {"type": "portability", "identities": ADA, "destination_url": url}
            rid = submit_verified(client, school, body)
            shown = decide_and_run(client, school, rid)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    sent = json.loads(_Receiver.received[0])
    assert "school.invoices" not in sent  # legal obligation: not portable
    assert "phone" not in sent["school.learners"][0]  # not marked portable
    assert sent["school.newsletter"][0]["email"] == "ada@example.org"
    transfer = next(t for t in shown["tasks"] if t["kind"] == "transfer")
    assert transfer["status"] == "done" and transfer["receipt"]["status"] == 201


def test_af_d2_rectification_updates_and_appends_to_immutable_rows(school: Garant) -> None:
    """AF-D2: written to the database; an issued invoice gets an appended correction."""
    with api_client(school) as client:
        body = {
            "type": "rectification",
            "identities": ADA,
            "changes": {"learners.last_name": "Byron", "invoices.billed_name": "Ada Byron"},
        }
        rid = submit_verified(client, school, body)
        shown = decide_and_run(client, school, rid)
    assert shown["status"] == "answered"
    names = school_rows(school.workspace, "select last_name from learners order by id")
    assert names == [("Byron",), ("Martin",)]
    billed = school_rows(school.workspace, "select billed_name from invoices order by id")
    assert billed == [("Ada Lovelace",), ("Bob Martin",)]
    with school.unit_of_work() as uow:
        corrections = uow.session.query(RequestCorrection).all()
        assert [(c.collection, c.field) for c in corrections] == [("invoices", "billed_name")]
        payloads = [
            open_payload(uow.keys, p) for p in uow.session.query(AuditPayload).all() if p.data
        ]
        assert {"field": "learners.last_name", "old": ["Lovelace"], "new": "Byron"} in payloads
    assert {t["target"] for t in shown["tasks"]} == {"lms_host", "teachers"}  # Art. 19


def test_af_d3_def_d5_erasure_keeps_invoices_and_current_course(school: Garant) -> None:
    """AF-D3 / DEF-D5: invoices kept under the legal duty, the current course kept."""
    with api_client(school) as client:
        rid = submit_verified(client, school, {"type": "erasure", "identities": ADA})
        shown = decide_and_run(client, school, rid)
    by = {d["activity"]: d for d in shown["decisions"]}
    assert by["invoicing"]["ground"] == "art17_3_b"
    assert "L123-22" in by["invoicing"]["explanation"]
    # moved to the archive at once (DEF-R3), no longer kept live
    assert school_rows(school.workspace, "select id from invoices") == [(21,)]
    assert school_rows(school.workspace, "select id from enrolments order by id") == [(11,), (12,)]
    assert school_rows(school.workspace, "select id from visits") == [(42,)]
    learner = school_rows(school.workspace, "select learner_number, phone from learners where id=1")
    phone = learner[0][1]  # mask keeps the last two characters and the length
    assert learner[0][0].startswith("anon-") and phone.endswith("78")
    assert set(phone[:-2]) == {"*"} and len(phone) == len("+33612345678")
    with school.unit_of_work() as uow:
        kept = [p for p in uow.session.query(AuditPayload).all() if p.subject_ref in _refs(school)]
        assert kept and all(p.data is None for p in kept)  # proof payloads erased too
    reply = mails(school, "rights_reply", rid)[-1].body_text or ""
    assert "legal obligation" in reply


def test_af_d6_restriction_marked_honoured_and_lifted_after_notice(school: Garant) -> None:
    """AF-D6: marked in the source, every use check refuses, the person told before lifting."""
    with api_client(school) as client:
        body = {
            "type": "restriction",
            "identities": ADA,
            "restriction_ground": "accuracy_contested",
        }
        rid = submit_verified(client, school, body)
        shown = decide_and_run(client, school, rid)
        assert school_rows(school.workspace, "select restricted from learners order by id") == [
            (1,),
            (None,),
        ]
        # the marks the retention sweep reads to keep restricted rows (AF-D6)
        marked = school_rows(school.workspace, "select id, restricted from newsletter order by id")
        assert marked == [(30, 1), (31, None)]
        with school.unit_of_work() as uow:
            reason = restriction.blocker(uow, _refs(school), "registration")
            assert reason and "accuracy_contested" in reason
            assert any(b(uow, _refs(school), "newsletter") for b in school.use_blockers)
            from garant.consent.check import may_use

            refused = may_use(
                uow=uow, identity=("email", "ada@example.org"), purpose="registration"
            )
            assert not refused.allowed and "restricted" in refused.reason
        lifted = client.post(f"/api/rights/restrictions/{shown['restrictions'][0]['id']}/lift")
        assert lifted.status_code == 200, lifted.text
    assert mails(school, "rights_lift", rid)
    assert school_rows(school.workspace, "select restricted from learners where id=1") == [(None,)]
    with school.unit_of_work() as uow:
        assert restriction.blocker(uow, _refs(school), "registration") is None


def test_af_d5_objection_to_prospecting_needs_no_reason(school: Garant) -> None:
    """AF-D5: objection to the newsletter, no reason: straight to the suppression list."""
    from garant.consent.suppression import is_suppressed

    with api_client(school) as client:
        body = {"type": "objection", "identities": ADA, "activities": ["newsletter"]}
        rid = submit_verified(client, school, body)
        shown = client.get(f"/api/rights/requests/{rid}").json()
        assert shown["status"] == "decided"  # no staff decision needed
        assert client.post(f"/api/rights/requests/{rid}/run").status_code == 202
        from tests.rights.helpers import run_requests

        run_requests(school)
    with school.unit_of_work() as uow:
        assert is_suppressed(uow=uow, identity=("email", "ada@example.org"), purpose="newsletter")


def test_objection_stops_legitimate_interest_use_only_after_a_decision(school: Garant) -> None:
    """Art. 21(1): restricted while pending (Art. 18(1)(d)); stopped once decided."""
    with api_client(school) as client:
        body = {"type": "objection", "identities": ADA, "activities": ["analytics"], "grounds": "x"}
        rid = submit_verified(client, school, body)
        with school.unit_of_work() as uow:
            pending = restriction.blocker(uow, _refs(school), "analytics")
            assert pending and "objection_pending" in pending
        refused = client.post(f"/api/rights/requests/{rid}/decide", json={"accept_proposals": True})
        assert refused.status_code == 409  # a pending objection needs a real decision
        decision = {
            "activity": "analytics",
            "decision": "stop",
            "explanation": "No overriding grounds",
        }
        shown = decide_and_run(client, school, rid, decisions=[decision])
    assert shown["status"] == "answered"
    with school.unit_of_work() as uow:
        reason = restriction.blocker(uow, _refs(school), "analytics")
        assert reason and "objection upheld" in reason
        assert restriction.blocker(uow, _refs(school), "registration") is None
        from garant.consent.check import may_use

        ada = ("email", "ada@example.org")
        assert not may_use(uow=uow, identity=ada, purpose="analytics").allowed
        assert may_use(uow=uow, identity=ada, purpose="registration").allowed


def test_objection_continued_with_compelling_grounds_lifts_restriction(school: Garant) -> None:
    with api_client(school) as client:
        body = {"type": "objection", "identities": ADA, "activities": ["analytics"]}
        rid = submit_verified(client, school, body)
        no_reason = client.post(
            f"/api/rights/requests/{rid}/decide",
            json={"decisions": [{"activity": "analytics", "decision": "continue"}]},
        )
        assert no_reason.status_code == 422
        grounds = {"activity": "analytics", "decision": "continue", "explanation": "Security logs"}
        decide_and_run(client, school, rid, decisions=[grounds])
    assert mails(school, "rights_lift", rid)
    with school.unit_of_work() as uow:
        assert restriction.blocker(uow, _refs(school), "analytics") is None


def test_af_d7_consent_withdrawal(school: Garant) -> None:
    """AF-D7: withdrawal through a request reaches the consent ledger."""
    from garant.consent.service import current, record

    with school.unit_of_work() as uow:
        record(
            uow=uow,
            identity=("email", "ada@example.org"),
            purpose="newsletter",
            given=True,
            source="form",
        )
    with api_client(school) as client:
        rid = submit_verified(client, school, {"type": "withdrawal", "identities": ADA})
        assert client.post(f"/api/rights/requests/{rid}/run").status_code == 202
        from tests.rights.helpers import run_requests

        run_requests(school)
        assert client.get(f"/api/rights/requests/{rid}").json()["status"] == "answered"
    with school.unit_of_work() as uow:
        state = current(uow, _refs(school), "newsletter")
        assert state is not None and state.given is False


def test_af_d8_directives_applied_when_death_recorded(school: Garant) -> None:
    """AF-D8: defined, modified, revoked; applied at death by the designated person."""
    with api_client(school) as client:
        body = {
            "identities": ADA,
            "text": "Delete my accounts",
            "executor": "Charles",
            "executor_email": "charles@example.org",
            "actions": ["erase"],
            "consent": True,
        }
        first = client.post("/api/rights/directives", json=body).json()
        second = client.post("/api/rights/directives", json=body).json()
        changed = client.patch(f"/api/rights/directives/{first['id']}", json={"text": "Erase all"})
        assert changed.json()["version"] == 2
        assert (
            client.post(f"/api/rights/directives/{second['id']}/revoke").json()["status"]
            == "revoked"
        )
        death = client.post("/api/rights/deaths", json={"identities": ADA, "proof": "cert 42"})
        requests = death.json()["requests"]
        assert len(requests) == 1  # the revoked one is not applied
        shown = client.get(f"/api/rights/requests/{requests[0]}").json()
        assert shown["requester_kind"] == "designated" and shown["status"] == "verified"
        decide_and_run(client, school, requests[0])
    assert school_rows(school.workspace, "select id from visits") == [(42,)]


def test_heir_may_close_accounts_and_ask_access_for_the_succession(school: Garant) -> None:
    """Loi 78-17 art. 85 II: heirs may, for the succession's needs, access and rectify
    (update), and close the accounts (erase) and object, with proof of their capacity; not
    port the data (Art. 20 is not among what art. 85 II needs)."""
    with api_client(school) as client:
        base = {"identities": ADA, "requester_kind": "heir", "requester_proof": "notarial deed"}
        update = {"type": "rectification", "changes": {"learners.last_name": "Lovelace"}}
        for allowed in ({"type": "access"}, update):
            answer = client.post("/api/rights/requests", json=base | allowed)
            assert answer.status_code == 201, answer.text
        assert (
            client.post("/api/rights/requests", json=base | {"type": "portability"}).status_code
            == 422
        )
        opened = client.post("/api/rights/requests", json=base | {"type": "erasure"})
        assert opened.status_code == 201
        shown = client.get(f"/api/rights/requests/{opened.json()['id']}").json()
        assert shown["status"] == "awaiting_identity"  # staff check the proof


def test_unknown_person_gets_no_data_held(school: Garant) -> None:
    """Art. 11(2) / 15(1): nobody found, the answer says no data is held, nothing else."""
    with api_client(school) as client:
        body = {"type": "access", "identities": {"email": "zoe@example.org"}, "lang": "en"}
        rid = submit_verified(client, school, body)
        shown = client.get(f"/api/rights/requests/{rid}").json()
    assert shown["status"] == "answered" and shown["outcome"] == "no_data"
    text = mails(school, "rights_reply", rid)[-1].body_text or ""
    assert "We hold no personal data about you." in text
    assert "ada" not in text.lower() and "bob" not in text.lower()


def test_staff_entry_of_a_letter_with_received_date(school: Garant) -> None:
    """AF-X1: a letter entered by staff keeps its received date; the due date follows it."""
    with api_client(school) as client:
        body = {
            "type": "access",
            "identities": {"member_number": "L-001", "email": "ada@example.org"},
            "channel": "post",
            "received_on": "2026-02-20",
            "reply_address": "1 rue X, Paris",
            "letter_reference": "scan-2026-02-20-01.pdf",
        }
        opened = client.post("/api/rights/requests", json=body).json()
        shown = client.get(f"/api/rights/requests/{opened['id']}").json()
    assert shown["received_day"] == "2026-02-20" and shown["due_day"] == "2026-03-20"
    assert shown["status"] == "verified"  # member number matched the email on file
    assert shown["scope"]["letter_reference"] == "scan-2026-02-20-01.pdf"


def test_staff_role_without_manage_permission_is_refused(school: Garant) -> None:
    with api_client(school, role="auditor") as client:
        assert client.get("/api/rights/requests").status_code == 200
        body = {"type": "access", "identities": ADA}
        assert client.post("/api/rights/requests", json=body).status_code == 403


def test_service_read_lists_overdue(school: Garant) -> None:
    """AF-X2: an open request past its due date is listed as overdue."""
    with api_client(school) as client:
        body = {"type": "access", "identities": ADA, "channel": "post", "received_on": "2026-01-05"}
        client.post("/api/rights/requests", json=body)
        late = client.get("/api/rights/requests", params={"overdue": True}).json()
    assert len(late) == 1 and late[0]["overdue"] and late[0]["days_left"] < 0
    with school.unit_of_work() as uow:
        assert service.list_requests(uow=uow, overdue=True)[0].due_day.isoformat() == "2026-02-05"
