"""A request package's signed download link can be revoked before it expires (found after
issue 14: only deleting the package stopped a link mailed to the wrong place): by staff on
the request's page, through the API and the CLI, each audited; by the person's erasure
and by a withdrawal. A revoked link answers exactly as an expired one (no oracle)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from garant.accounts.service import add_user
from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.cli.main import build_app
from garant.rights import package
from garant.rights.models import RequestPackage
from garant.web.app import create_app
from tests.rights.helpers import api_client, decide_and_run, mails, submit_verified

ADA = {"email": "ada@example.org"}
PASSWORD = "pw-" + "x" * 20


def _answered_access(garant: Garant, client: TestClient) -> tuple[int, str]:
    """An access request answered; its id and the download link the reply mailed."""
    rid = submit_verified(client, garant, {"type": "access", "identities": ADA, "lang": "en"})
    assert decide_and_run(client, garant, rid)["status"] == "answered"
    body = mails(garant, "rights_reply", rid)[-1].body_text or ""
    found = re.search(r"https?://\S+/privacy/requests/download/\S+", body)
    assert found is not None
    parts = urlsplit(found.group(0))
    return rid, f"{parts.path}?{parts.query}"


def _expired_twin(garant: Garant, link: str) -> str:
    """The same package's link, rightly signed, but expired a minute ago."""
    package_id = int(link.split("?")[0].rsplit("/", 1)[1])
    past = int(garant.clock.now().timestamp()) - 60
    with garant.unit_of_work() as uow:
        signature = uow.keys.sign(package.LINK_PURPOSE, f"{package_id}:{past}")
    return f"/privacy/requests/download/{package_id}?e={past}&s={signature}"


def _revocations(garant: Garant) -> list[dict[str, object]]:
    with garant.unit_of_work(read_only=True) as uow:
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.download_revoked")
        )
        return [e.details for e in events]


def test_staff_revoke_a_link_through_the_api_and_it_answers_as_expired(school: Garant) -> None:
    with api_client(school) as client:
        rid, link = _answered_access(school, client)
        public = TestClient(create_app(school))
        assert public.get(link).status_code == 200  # the zip, before
        listed = client.get(f"/api/rights/requests/{rid}/packages").json()
        assert [p["live"] for p in listed] == [True]
        revoked = client.post(f"/api/rights/packages/{listed[0]['id']}/revoke")
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["live"] is False and revoked.json()["revoke_reason"] == "staff"
        again = client.post(f"/api/rights/packages/{listed[0]['id']}/revoke")
        assert again.status_code == 409
        assert client.post("/api/rights/packages/999999/revoke").status_code == 404
    refused, expired = public.get(link), public.get(_expired_twin(school, link))
    assert refused.status_code == expired.status_code == 403
    assert refused.content == expired.content  # the holder learns nothing more
    assert _revocations(school) == [{"package": listed[0]["id"], "reason": "staff"}]


def test_only_managers_may_revoke(school: Garant) -> None:
    with api_client(school) as client:
        _rid, link = _answered_access(school, client)
    with api_client(school, role="auditor") as auditor:
        package_id = int(link.split("?")[0].rsplit("/", 1)[1])
        assert auditor.post(f"/api/rights/packages/{package_id}/revoke").status_code == 403
    assert TestClient(create_app(school)).get(link).status_code == 200


def test_the_request_page_shows_the_link_and_revokes_it(school: Garant) -> None:
    with api_client(school) as client:
        rid, link = _answered_access(school, client)
    with school.unit_of_work() as uow:
        add_user(uow=uow, email="privacy@ecole.example", role="privacy", password=PASSWORD)
    browser = TestClient(create_app(school), headers={"Accept-Language": "fr"})
    page = browser.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {"email": "privacy@ecole.example", "password": PASSWORD, "csrf_token": token[1]}
    assert browser.post("/login", data=form, follow_redirects=False).status_code == 303
    shown = browser.get(f"/admin/rights/{rid}")
    assert "Liens de téléchargement" in shown.text and "Le lien fonctionne." in shown.text
    action = re.search(r'action="(/admin/rights/\d+/packages/\d+/revoke)"', shown.text)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', shown.text)
    assert action is not None and csrf is not None
    done = browser.post(action[1], data={"csrf_token": csrf[1]}, follow_redirects=False)
    assert done.status_code == 303
    after = browser.get(f"/admin/rights/{rid}").text
    assert "Révoqué le" in after and "par l'équipe" in after and action[1] not in after
    assert browser.post(action[1], data={}).status_code in (400, 403)  # no CSRF token
    assert TestClient(create_app(school)).get(link).status_code == 403


def test_the_cli_revokes_a_link(school: Garant) -> None:
    with api_client(school) as client:
        rid, link = _answered_access(school, client)
    with school.unit_of_work(read_only=True) as uow:
        package_id = uow.session.scalars(
            select(RequestPackage.id).where(RequestPackage.request_id == rid)
        ).one()
    args = ["request", "revoke-link", str(package_id), "--workspace", str(school.workspace)]
    env = {"GARANT_DATABASE_URL": str(school.store.url)}
    result = CliRunner().invoke(build_app(), [*args, "--as-of", "2026-03-02"], env=env)
    assert result.exit_code == 0, result.output
    assert f"package {package_id} of request {rid}: link revoked" in result.output
    twice = CliRunner().invoke(build_app(), [*args, "--as-of", "2026-03-02"], env=env)
    assert twice.exit_code == 2 and "already revoked" in twice.output
    assert "Traceback" not in twice.output
    assert TestClient(create_app(school)).get(link).status_code == 403


def test_the_persons_erasure_revokes_their_live_links(school: Garant) -> None:
    with api_client(school) as client:
        _rid, link = _answered_access(school, client)
        public = TestClient(create_app(school))
        assert public.get(link).status_code == 200
        erasure = submit_verified(client, school, {"type": "erasure", "identities": ADA})
        decide_and_run(client, school, erasure)
    assert public.get(link).content == public.get(_expired_twin(school, link)).content
    assert public.get(link).status_code == 403
    assert [d["reason"] for d in _revocations(school)] == ["erased"]
