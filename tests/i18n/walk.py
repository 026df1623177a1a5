"""A workspace with something in every page, and a walk through every page of it.

``seeded(make_garant, example)`` builds the example's workspace with its demo database, a
DPO who can log in, an answered access request, an erasure request waiting for a
decision and a breach with its assessment. ``walk(client, lang)`` opens every page a
link reaches from the back office and the privacy center, and every GET route of the
app without parameters, and hands back each page's text (HTML) or bytes (PDF).
"""

from __future__ import annotations

import re
import subprocess
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.demo.generate import generate_database
from garant.web import admin, privacy
from garant.web.app import create_app
from tests.breaches.scenarios import CASES
from tests.rights.helpers import decide_and_run

PASSWORD = "correct horse battery staple"
DPO = "dpo@garant.example"
HREF = re.compile(r'href="(/(?:admin|privacy|cookies|unsubscribe)[^"#]*)"')
NOT_PAGES = ("/logout", "/static", "/api/")
LIMIT = 400
BREACH = {
    "title": "Liste envoyée au mauvais destinataire",
    "nature": ["confidentiality"],
    "aware_at": "2026-03-02T08:00:00+00:00",
    "occurred_at": "2026-03-01T16:00:00+00:00",
    "reported_by": "Une personne qui l'a reçue",
    "systems": [],
    "person_categories": ["learners"],
    "persons_approx": 80,
    "data_categories": ["identification", "contact"],
    "records_approx": 80,
    "likely_consequences": "Sollicitations non désirées",
    "measures_taken": "Le destinataire a effacé la liste",
}


@dataclass
class Seeded:
    garant: Garant
    token: str
    email: str
    follow: list[str] = field(default_factory=list)
    breach: str = ""
    unsubscribe: str = ""


def _first_email(garant: Garant) -> str | None:
    from sqlalchemy import create_engine, text

    for system in garant.datamap.systems:
        url = garant.datamap.url_of(system)
        for coll in system.collections:
            column = coll.identity.get("email")
            if url and column:
                engine = create_engine(url)
                with engine.connect() as conn:
                    row = conn.execute(
                        text(f'SELECT "{column}" FROM "{coll.table_name}" LIMIT 1')
                    ).first()
                engine.dispose()
                if row and row[0]:
                    return str(row[0])
    return None


def seeded(make_garant: Callable[..., Garant], example: str) -> Seeded:
    garant = make_garant(example=example, name=example)
    for system in garant.datamap.systems:
        url = garant.datamap.url_of(system)
        if url and url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            generate_database(example, url, persons=12, seed=7, record=False)
            break
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=DPO, role="dpo", password=PASSWORD)
        token = issue_token(uow=uow, email=DPO, name="walk")
    email = _first_email(garant) or "someone@example.org"
    return Seeded(garant, token, email)


@contextmanager
def client_for(seed: Seeded, lang: str) -> Iterator[TestClient]:
    with TestClient(
        create_app(seed.garant),
        base_url="http://testserver",
        headers={"Accept-Language": lang},
    ) as client:
        yield client


def _latest_code(garant: Garant) -> str:
    """The code in the latest mail sent, read as the mail viewer reads the outbox."""
    from sqlalchemy import select

    from garant.mail.models import OutboxMessage
    from garant.mail.viewer import read_message

    with garant.unit_of_work() as uow:
        ids = uow.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.template == "rights_code")
            .order_by(OutboxMessage.id.desc())
        ).all()
        assert ids, "no code was mailed"
        body = read_message(uow=uow, message_id=ids[0]).body_text
    return re.findall(r"\b(\d{6})\b", body)[0]


def submit_verified(client: TestClient, garant: Garant, body: dict[str, Any]) -> str:
    """The person asks through the public API and confirms with the code mailed to them;
    returns the follow token."""
    opened = client.post("/api/public/rights/requests", json=body)
    assert opened.status_code == 201, opened.text
    token = str(opened.json()["follow_token"])
    verified = client.post(
        "/api/public/rights/requests/verify",
        json={"token": token, "code": _latest_code(garant)},
    )
    assert verified.status_code == 200, verified.text
    return token


def fill(seed: Seeded, client: TestClient) -> None:
    """An answered access request, an erasure waiting, a breach assessed (through the API)."""
    body = {"type": "access", "identities": {"email": seed.email}, "reply_email": seed.email}
    self_service = client.post("/api/public/rights/requests", json=body).status_code == 201
    client.headers["Authorization"] = f"Bearer {seed.token}"
    if self_service:  # the person asks on the web and confirms with the mailed code
        client.headers.pop("Authorization")
        seed.follow.append(submit_verified(client, seed.garant, body))
        seed.follow.append(submit_verified(client, seed.garant, body | {"type": "erasure"}))
        client.headers["Authorization"] = f"Bearer {seed.token}"
    else:  # requests by email or post only (DEF): staff enter the letter
        for kind in ("access", "erasure"):
            opened = client.post(
                "/api/rights/requests", json=body | {"type": kind, "channel": "post"}
            )
            assert opened.status_code == 201, opened.text
            seed.follow.append(str(opened.json()["follow_token"]))
    listed = client.get("/api/rights/requests")
    assert listed.status_code == 200, listed.text
    access = min(r["id"] for r in listed.json() if r["type"] == "access")
    if next(r for r in listed.json() if r["id"] == access)["status"] != "verified":
        checked = client.post(
            f"/api/rights/requests/{access}/verify", json={"accepted": True, "note": "walk"}
        )  # staff confirm the identity (a letter, or a code the flow still waits for)
        assert checked.status_code == 200, checked.text
    decide_and_run(client, seed.garant, access)
    created = client.post("/api/breaches", json=BREACH)
    assert created.status_code == 201, created.text
    seed.breach = created.json()["reference"]
    facts = CASES["01"]["facts"]
    assessed = client.post(f"/api/breaches/{seed.breach}/assessment", json=facts)
    assert assessed.status_code in (200, 201), assessed.text
    client.headers.pop("Authorization", None)
    from garant.policy import versions

    with seed.garant.unit_of_work() as uow:  # a published version: its own page
        versions.publish(uow=uow, path=seed.garant.policy_path, note="walk")
    policy = seed.garant.policy_path  # edited since: a version 2 to preview and publish
    policy.write_text(policy.read_text(encoding="utf-8") + "\n# relu\n", encoding="utf-8")
    seed.garant.reload()
    purposes = seed.garant.policy.consent_purposes
    if purposes:
        from garant.consent.unsubscribe import make_token

        with seed.garant.unit_of_work() as uow:
            seed.unsubscribe = make_token(uow, ("email", seed.email), purposes[0].id)


def preview_publication(client: TestClient) -> str:
    """The back office's preview of publishing version 2 (the notice to the persons)."""
    page = client.get("/admin/policy")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on /admin/policy"
    shown = client.post("/admin/policy/publish", data={"csrf_token": token.group(1)})
    assert shown.status_code == 200, shown.text
    return shown.text


def confirm_publication(client: TestClient, garant: Garant, preview: str) -> None:
    """Confirm the preview, then let the worker queue the notices: mails to read."""
    from garant.jobs.worker import run_due

    fields = dict(re.findall(r'name="(csrf_token|sha256|note)" value="([^"]*)"', preview))
    done = client.post(
        "/admin/policy/publish", data=fields | {"confirmed": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    assert run_due(garant, kinds=["accountability.policy_notify"]).failed == 0


def login(client: TestClient) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on /login"
    response = client.post(
        "/login",
        data={"email": DPO, "password": PASSWORD, "csrf_token": token.group(1), "next": "/admin"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def page_routes() -> list[Any]:
    from garant.web.login import router as login_router

    routers = [m.router for m in (*admin.MODULES, *privacy.MODULES)] + [login_router]
    return [r for router in routers for r in router.routes if "GET" in getattr(r, "methods", ())]


def walk(client: TestClient, starts: list[str]) -> Iterator[tuple[str, Any]]:
    """Every page reachable by a link, breadth first: (path, response)."""
    seen: set[str] = set()
    queue = deque(starts)
    while queue and len(seen) < LIMIT:
        path = queue.popleft().replace("&amp;", "&")
        if path in seen or path.startswith(NOT_PAGES):
            continue
        seen.add(path)
        response = client.get(path, follow_redirects=True)
        client.cookies.delete("garant_lang")  # a ?lang= link must not switch the walk's language
        yield path, response
        if "text/html" in response.headers.get("content-type", ""):
            queue.extend(link for link in HREF.findall(response.text) if link not in seen)


def pdf_text(content: bytes, tmp: Path) -> str:
    target = tmp / "page.pdf"
    target.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout
