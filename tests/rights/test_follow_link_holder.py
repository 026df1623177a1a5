"""Red-team pass of issue 14: whoever holds a request's follow link is not the person.

The link's token is handed to whoever submits (the API's answer, the form's redirect). An
attacker submits an access request naming the victim, the victim enters the mailed code
(on the page the acknowledgement links to), and the attacker's copy of the status page
then showed the answer and a working download link to the victim's data. Now the page
shows them only in the browser that entered the code; the reply mail carries both.
The download also waited for nobody: it showed while the reply was still held for staff
review, before staff had checked the package.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from garant.app import Garant
from garant.rights import review, service
from garant.web.app import create_app
from tests.rights.helpers import api_client, code_for, decide_and_run, request_id_of

DOWNLOAD = "/privacy/requests/download/"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_submitter_of_a_forged_request_never_sees_the_victims_answer(
    school_sqlite: Garant,
) -> None:
    garant = school_sqlite
    attacker = TestClient(create_app(garant), headers={"Accept-Language": "en"})
    victim = TestClient(create_app(garant), headers={"Accept-Language": "en"})
    opened = attacker.post(
        "/api/public/rights/requests",
        json={"type": "access", "identities": {"email": "ada@example.org"}},
    )
    assert opened.status_code == 201, opened.text
    token = opened.json()["follow_token"]
    page = f"/privacy/requests/status/{token}"
    rid = request_id_of(attacker, token)
    csrf = _csrf(victim.get(page).text)
    entered = victim.post(
        f"{page}/verify",
        data={"csrf_token": csrf, "code": code_for(garant, rid)},
        follow_redirects=False,
    )
    assert entered.status_code == 303 and "error" not in entered.headers["location"]
    with api_client(garant) as staff:
        assert decide_and_run(staff, garant, rid)["status"] in ("answered", "closed")
    # the reply waits for staff review ([rights] review_replies): no download before it goes
    assert DOWNLOAD not in victim.get(page).text
    with garant.unit_of_work() as uow:
        review.release(uow=uow, request_id=rid)
    seen_by_victim = victim.get(page).text
    assert DOWNLOAD in seen_by_victim
    seen_by_attacker = attacker.get(page).text
    assert DOWNLOAD not in seen_by_attacker
    assert "went to the address that confirmed" in seen_by_attacker
    assert 'id="answer"' not in seen_by_attacker


def test_the_submitter_cannot_send_the_answer_to_an_address_of_theirs(
    school_sqlite: Garant,
) -> None:
    """The same request with ``reply_email`` set to the attacker's address: once the victim
    enters the identity code, the reply address's code reaches the attacker, who used to
    confirm it with the follow token (API or page) and receive the answer and its link."""
    garant = school_sqlite
    attacker = TestClient(create_app(garant), headers={"Accept-Language": "en"})
    victim = TestClient(create_app(garant), headers={"Accept-Language": "en"})
    opened = attacker.post(
        "/api/public/rights/requests",
        json={
            "type": "access",
            "identities": {"email": "ada@example.org"},
            "reply_email": "thief@evil.example",
        },
    )
    token = opened.json()["follow_token"]
    page = f"/privacy/requests/status/{token}"
    rid = request_id_of(attacker, token)
    csrf = _csrf(victim.get(page).text)
    victim.post(f"{page}/verify", data={"csrf_token": csrf, "code": code_for(garant, rid)})
    reply_code = code_for(garant, rid)  # the newest code: the one mailed to the thief
    by_api = attacker.post(
        "/api/public/rights/requests/verify", json={"token": token, "code": reply_code}
    )
    assert by_api.status_code == 409
    own_csrf = _csrf(attacker.get(page).text)
    by_page = attacker.post(
        f"{page}/verify", data={"csrf_token": own_csrf, "code": reply_code}, follow_redirects=False
    )
    assert by_page.headers["location"].endswith("?error=elsewhere")
    with garant.unit_of_work() as uow:
        assert service.personal(uow, service.get(uow, rid))["reply_email"] == "ada@example.org"
    # the person who proved the identity confirms another address of theirs as before
    done = victim.post(
        f"{page}/verify", data={"csrf_token": csrf, "code": reply_code}, follow_redirects=False
    )
    assert "error" not in done.headers["location"]
    with garant.unit_of_work() as uow:
        assert service.personal(uow, service.get(uow, rid))["reply_email"] == "thief@evil.example"
