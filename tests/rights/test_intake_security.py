"""Issue 14: a rights request cannot be turned into a data breach.

Through HTTP with real ``garant serve`` processes on one store (SQLite and PostgreSQL) and
a real SMTP sink: the code lock holds across processes; identities that lead to different
persons never verify by themselves nor widen what is found; an unproven reply address
receives nothing; the answer to a submission is no oracle; the rate limit answers 429.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import select

from garant.app import Garant
from garant.jobs.worker import run_one
from garant.rights import service
from garant.rights.models import IdentityCheck
from tests.conftest import SmtpSink, use_smtp
from tests.rights.helpers import api_client, code_for, mails, run_requests
from tests.rights.served import served

SUBMIT = "/api/public/rights/requests"
VERIFY = "/api/public/rights/requests/verify"
ADA = {"email": "ada@example.org"}


def _submit(url: str, identities: dict[str, str], **extra: Any) -> httpx.Response:
    body = {"type": "access", "identities": identities, "lang": "en"} | extra
    return httpx.post(f"{url}{SUBMIT}", json=body, timeout=60)


def _rid(url: str, token: str) -> int:
    shown = httpx.get(f"{url}{SUBMIT}/status", params={"token": token}, timeout=30)
    assert shown.status_code == 200, shown.text
    return int(shown.json()["id"])


def _deliver(garant: Garant) -> None:
    while run_one(garant, kinds=["mail.send"]) is not None:
        pass


def test_lock_after_five_wrong_codes_holds_across_two_server_processes(school: Garant) -> None:
    """Each wrong code is committed on its own: five, split over two processes, lock the
    code; the right one is then refused until a new code is asked for."""
    with served(school, count=2) as (first, second):
        opened = _submit(first, ADA)
        assert opened.status_code == 201, opened.text
        token = opened.json()["follow_token"]
        rid = _rid(first, token)
        good = code_for(school, rid)
        bad = "000000" if good != "000000" else "111111"
        for i in range(5):
            wrong = httpx.post(
                f"{(first, second)[i % 2]}{VERIFY}", json={"token": token, "code": bad}, timeout=30
            )
            assert wrong.status_code == 422, wrong.text
        locked = httpx.post(f"{second}{VERIFY}", json={"token": token, "code": good}, timeout=30)
        assert locked.status_code == 409 and "ask for a new one" in locked.text
        again = httpx.post(f"{first}{SUBMIT}/code", json={"token": token}, timeout=30)
        assert again.status_code == 200, again.text
        fresh = code_for(school, rid)
        assert fresh != good or len(mails(school, "rights_code", rid)) == 2
        ok = httpx.post(f"{second}{VERIFY}", json={"token": token, "code": fresh}, timeout=30)
        assert ok.status_code == 200 and ok.json()["status"] in ("verified", "decided")
    with school.unit_of_work() as uow:
        checks = [(c.method, c.status, c.attempts) for c in uow.session.scalars(
            select(IdentityCheck).where(IdentityCheck.request_id == rid).order_by(IdentityCheck.id)
        )]  # fmt: skip
    assert checks == [("email_code", "superseded", 5), ("email_code", "passed", 1)]


def test_mixed_identities_never_verify_and_never_widen(school: Garant) -> None:
    """My email with someone else's member number: no code to anyone, no verification;
    staff keep one person's identities and only that person's data is found."""
    with served(school) as (url,):
        opened = _submit(url, {"email": "bob@example.org", "member_number": "L-001"})
        assert opened.status_code == 201, opened.text
        token = opened.json()["follow_token"]
        rid = _rid(url, token)
        guess = httpx.post(f"{url}{VERIFY}", json={"token": token, "code": "123456"}, timeout=30)
        assert guess.status_code == 422
        status = httpx.get(f"{url}{SUBMIT}/status", params={"token": token}, timeout=30)
        assert status.json()["status"] == "awaiting_identity"
    assert mails(school, "rights_code", rid) == [] and mails(school, "rights_received", rid) == []
    with api_client(school) as staff:
        shown = staff.get(f"/api/rights/requests/{rid}").json()
        assert any(e["action"] == "request.identities_disagree" for e in shown["timeline"])
        refused = staff.post(f"/api/rights/requests/{rid}/verify", json={"accepted": True})
        assert refused.status_code == 409 and "identities disagree" in refused.text
        kept = staff.post(
            f"/api/rights/requests/{rid}/verify", json={"accepted": True, "keep": ["email"]}
        )
        assert kept.status_code == 200, kept.text
        staff.post(f"/api/rights/requests/{rid}/decide", json={"accept_proposals": True})
        assert staff.post(f"/api/rights/requests/{rid}/run").status_code == 202
        run_requests(school)
    with school.unit_of_work() as uow:
        req = service.get(uow, rid)
        assert service.personal(uow, req)["identities"] == {"email": "bob@example.org"}
        package_text = _package_text(uow, rid)
    assert "Bob" in package_text and "Lovelace" not in package_text and "L-001" not in package_text


def _package_text(uow: Any, rid: int) -> str:
    """Everything the access package holds, as text (its zip read whole)."""
    import io
    import zipfile

    from garant.rights import package

    latest = package.latest(uow, rid)
    assert latest is not None and latest.content
    with zipfile.ZipFile(io.BytesIO(package.content(uow, latest))) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_an_unknown_email_with_a_real_number_sends_the_code_only_on_file(school: Garant) -> None:
    """The code goes to the address on file for the person the number names, never to the
    address the request gives; that address is not proven and receives nothing."""
    with served(school) as (url,):
        opened = _submit(url, {"email": "thief@evil.example", "member_number": "L-001"})
        assert opened.status_code == 201
        rid = _rid(url, opened.json()["follow_token"])
    assert [m.recipient for m in mails(school, "rights_code", rid)] == ["ada@example.org"]
    every = [
        m for t in ("rights_received", "rights_code", "rights_reply") for m in mails(school, t, rid)
    ]
    assert all(m.recipient == "ada@example.org" for m in every)


def test_an_unproven_reply_address_receives_nothing(school: Garant, smtp_server: SmtpSink) -> None:
    """A reply address other than the proven one gets a code (after the identity is proven)
    and nothing else until it is confirmed; the reply and its link go to the proven one."""
    use_smtp(school, smtp_server)
    with served(school) as (url,):
        attack = _submit(url, ADA, reply_email="thief@evil.example")
        real = _submit(url, ADA, reply_email="ada.new@example.net")
        token = real.json()["follow_token"]
        rid = _rid(url, token)
        code = code_for(school, rid)
        ok = httpx.post(f"{url}{VERIFY}", json={"token": token, "code": code}, timeout=30)
        assert ok.status_code == 200, ok.text
    assert attack.status_code == 201
    with api_client(school) as staff:
        staff.post(f"/api/rights/requests/{rid}/decide", json={"accept_proposals": True})
        staff.post(f"/api/rights/requests/{rid}/run")
        run_requests(school)
    _release_held_reply(school, rid)
    use_smtp(school, smtp_server)
    _deliver(school)
    received = smtp_server.wait_for(6)
    by_to: dict[str, list[str]] = {}
    for message in received:
        by_to.setdefault(str(message["To"]), []).append(str(message["Subject"]))
    assert "thief@evil.example" not in by_to
    assert len(by_to.get("ada.new@example.net", [])) == 1  # its code, nothing else
    replies = [m for m in received if "/privacy/requests/download/" in m.get_content()]
    assert replies and all(str(m["To"]) == "ada@example.org" for m in replies)


def _release_held_reply(garant: Garant, rid: int) -> None:
    """Where replies wait for staff review (issue 18), staff let this one go as drafted."""
    import importlib

    if importlib.util.find_spec("garant.rights.review") is None:
        return
    review = importlib.import_module("garant.rights.review")
    with garant.unit_of_work() as uow:
        if review.held(uow, rid) is not None:
            review.release(uow=uow, request_id=rid)


def test_matching_and_unknown_submissions_get_the_same_answer(school: Garant) -> None:
    """No oracle: the same bytes apart from the token, in the same order of time."""
    with served(school) as (url,):
        _submit(url, {"email": "warm-up@example.org"})
        bodies, times = [], []
        for identities in (ADA, {"email": "nobody@example.org"}, {"member_number": "L-001"},
                           {"member_number": "L-999"}):  # fmt: skip
            started = time.perf_counter()
            answer = _submit(url, identities)
            times.append(time.perf_counter() - started)
            assert answer.status_code == 201, answer.text
            token = answer.json()["follow_token"]
            bodies.append(answer.content.replace(token.encode(), b"TOKEN"))
    assert len(set(bodies)) == 1, bodies
    assert b'"id"' not in bodies[0] and b"verified" not in bodies[0]
    assert max(times) < 10 * min(times) + 1.0, times


def test_rate_limit_answers_429_across_processes(school: Garant) -> None:
    """Five submissions an hour naming one identity, ten from one client; store-backed."""
    with served(school, count=2) as (first, second):
        answers = [_submit((first, second)[i % 2], {"email": "ada@example.org"}) for i in range(6)]
        assert [a.status_code for a in answers] == [201] * 5 + [429]
        retry = int(answers[-1].headers["Retry-After"])
        assert 0 < retry <= 3600
        many = [_submit(first, {"email": f"p{i}@example.org"}) for i in range(5)]
        assert [a.status_code for a in many][-1] == 429  # 6 + 5 > 10 from this client
        assert "Retry-After" in many[-1].headers
    to_ada = [m for m in mails(school, "rights_code") if m.recipient == "ada@example.org"]
    assert len(to_ada) == 5  # the victim's mailbox gets five codes an hour at most
