"""DEF-V1 and issue 18: publishing a policy version mails the persons by itself, so every
surface shows what it will send (the version, what changed, how many persons in which
language, the message in each language) and publishes only once confirmed, the file
being the one previewed. Nothing is published nor queued without that confirmation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.jobs.models import Job
from garant.jobs.worker import run_due
from garant.mail.models import OutboxMessage
from garant.policy.tables import PolicyVersion
from garant.web.app import create_app
from tests.accountability.demo import POLICY, write_demo
from tests.policy.helpers import cli
from tests.web.conftest import PASSWORD, csrf_of

DPO = "dpo@staff.example"
NOTICE_JOB = "policy-change:2"


def _published(garant: Garant) -> list[int]:
    with garant.store.session() as session:
        return sorted(session.scalars(select(PolicyVersion.number)))


def _jobs(garant: Garant) -> set[str]:
    with garant.store.session() as session:
        return set(session.scalars(select(Job.idempotency_key)))


def _outbox(garant: Garant) -> int:
    with garant.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def _workspace(make_garant: Callable[..., Garant]) -> Garant:
    """The demo school (5 persons with an email) with version 1 published, and the
    newsletter's retention changed in the file since: version 2 would mail them."""
    from garant.policy.versions import publish

    garant = make_garant(policy=POLICY)
    write_demo(garant.workspace)
    garant.reload()
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=DPO, role="dpo", password=PASSWORD)
        publish(uow=uow, path=garant.policy_path, note="First version")
    _edit(garant, "duration: 3 years", "duration: 2 years")
    return garant


def _edit(garant: Garant, old: str, new: str) -> None:
    text = garant.policy_path.read_text(encoding="utf-8")
    assert old in text
    garant.policy_path.write_text(text.replace(old, new, 1), encoding="utf-8")
    garant.reload()


def _nothing_sent(garant: Garant) -> None:
    assert _published(garant) == [1]
    assert NOTICE_JOB not in _jobs(garant)
    assert _outbox(garant) == 0


@contextmanager
def _logged_in(garant: Garant, lang: str) -> Iterator[tuple[TestClient, str]]:
    with TestClient(
        create_app(garant), base_url="http://testserver", headers={"Accept-Language": lang}
    ) as client:
        token = csrf_of(client)
        response = client.post(
            "/login",
            data={"email": DPO, "password": PASSWORD, "csrf_token": token, "next": "/admin"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        yield client, csrf_of(client, "/admin/policy")


def test_def_v1_web_publication_is_previewed_then_confirmed(
    make_garant: Callable[..., Garant],
) -> None:
    garant = _workspace(make_garant)
    with _logged_in(garant, "fr-FR") as (client, token):
        assert "Voir l'aperçu de la publication" in client.get("/admin/policy").text
        refused = client.post("/admin/policy/publish", data={"note": ""})  # no CSRF token
        assert refused.status_code == 403
        shown = client.post("/admin/policy/publish", data={"csrf_token": token, "note": ""})
        assert shown.status_code == 200, shown.text
        page = unescape(shown.text)
        assert "Version n° 2 (remplace la version 1)" in page
        assert "5 personne(s) recevront l'avis de cette version par courriel." in page
        assert "<td>anglais</td><td>5</td>" in page  # the policy's first language: en
        assert "Le message en français" in page and "Le message en anglais" in page
        assert "Ce qui change : règles de conservation (modifié)" in page  # words, not ids
        assert "What changes: retention rules (changed)" in page
        assert "Publier la version 2 et informer 5 personne(s)" in page
        _nothing_sent(garant)  # a preview stores and queues nothing

        sha = page.split('name="sha256" value="')[1].split('"')[0]
        unbound = {"csrf_token": token, "note": "", "confirmed": "yes"}
        assert client.post("/admin/policy/publish", data=unbound).status_code == 200
        _nothing_sent(garant)  # a confirmation without the preview's hash is a preview

        _edit(garant, "duration: 2 years", "duration: 1 year")  # edited after the preview
        stale = client.post("/admin/policy/publish", data=unbound | {"sha256": sha})
        assert stale.status_code == 409
        assert "a changé depuis l'aperçu" in unescape(stale.text)
        _nothing_sent(garant)

        fresh = stale.text.split('name="sha256" value="')[1].split('"')[0]
        done = client.post(
            "/admin/policy/publish", data=unbound | {"sha256": fresh}, follow_redirects=False
        )
        assert done.status_code == 303 and done.headers["location"].endswith("?published=2")
        assert "La version 2 est publiée." in client.get(done.headers["location"]).text
    assert _published(garant) == [1, 2] and NOTICE_JOB in _jobs(garant)
    assert run_due(garant, kinds=["accountability.policy_notify"]).failed == 0
    assert _outbox(garant) == 5  # as many as the preview said


def test_def_v1_web_first_version_mails_no_one(make_garant: Callable[..., Garant]) -> None:
    garant = make_garant(policy=POLICY)
    write_demo(garant.workspace)
    garant.reload()
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=DPO, role="dpo", password=PASSWORD)
    with _logged_in(garant, "en") as (client, token):
        page = client.post("/admin/policy/publish", data={"csrf_token": token}).text
        assert "Publishing this version mails no one." in page
        assert "Version 1 (the first version published)" in page
        sha = page.split('name="sha256" value="')[1].split('"')[0]
        data = {"csrf_token": token, "confirmed": "yes", "sha256": sha}
        assert client.post("/admin/policy/publish", data=data).status_code == 200
        again = client.post("/admin/policy/publish", data={"csrf_token": token})
        assert again.status_code == 409
        assert "The policy is unchanged since version 1: nothing to publish." in again.text
    assert _published(garant) == [1]


def test_def_v1_api_publication_needs_an_explicit_confirmation(
    make_garant: Callable[..., Garant],
) -> None:
    garant = _workspace(make_garant)
    with garant.unit_of_work() as uow:
        bearer = issue_token(uow=uow, email=DPO, name="api")
    headers = {"Authorization": f"Bearer {bearer}"}
    with TestClient(create_app(garant), headers=headers) as client:
        refused = client.post("/api/policy/publish", json={"note": "Shorter"})
        assert refused.status_code == 422
        assert "confirm: true" in refused.json()["detail"]
        _nothing_sent(garant)

        preview = client.post("/api/policy/publish/preview", json={"note": "Shorter"})
        assert preview.status_code == 200, preview.text
        body = preview.json()
        assert (body["number"], body["previous"], body["recipients"]) == (2, 1, 5)
        assert body["changes"] == [
            {"section": "retention_rules", "id": "newsletter", "change": "changed"}
        ]
        (mailing,) = body["mailings"]
        assert mailing["by_language"] == {"en": 5}
        assert [m["lang"] for m in mailing["messages"]] == ["en", "fr"]
        assert "Ce qui change : Shorter" in mailing["messages"][1]["text"]
        _nothing_sent(garant)

        stale = client.post("/api/policy/publish", json={"confirm": True, "sha256": "0" * 64})
        assert stale.status_code == 409 and "changed since" in stale.json()["detail"]
        _nothing_sent(garant)

        done = client.post(
            "/api/policy/publish",
            json={"note": "Shorter", "confirm": True, "sha256": body["sha256"]},
        )
        assert done.status_code == 200, done.text
        assert done.json()["number"] == 2
        schema = client.get("/api/openapi.json").json()
    assert NOTICE_JOB in _jobs(garant)
    assert "/api/policy/publish/preview" in schema["paths"]
    fields = schema["components"]["schemas"]["PublishIn"]["properties"]
    assert {"confirm", "sha256", "note"} <= set(fields)
    assert "422" in schema["paths"]["/api/policy/publish"]["post"]["responses"]


def _run(garant: Garant, *args: str, answer: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli(), ["policy", "publish", "--workspace", str(garant.workspace), *args], input=answer
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_def_v1_cli_publication_shows_the_preview_and_asks(
    make_garant: Callable[..., Garant], monkeypatch: pytest.MonkeyPatch
) -> None:
    garant = _workspace(make_garant)
    code, out, err = _run(garant)  # a script, no terminal, no --yes
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--yes" in err
    _nothing_sent(garant)

    code, out, _ = _run(garant, "--preview", "--note", "Shorter")
    assert code == 0, out
    assert "Version 2 (replaces version 1)" in out
    assert "changed: retention_rules newsletter" in out
    assert "5 person(s) will receive the notice by email (5 in en)" in out
    assert "What changes: Shorter" in out and "Ce qui change : Shorter" in out
    assert "Nothing published." in out
    _nothing_sent(garant)

    monkeypatch.setattr("garant.cli.policy._interactive", lambda: True)
    code, out, _ = _run(garant, answer="n\n")
    assert code == 0 and "Publish version 2? [y/N]" in out and "Nothing published." in out
    _nothing_sent(garant)
    code, out, _ = _run(garant, answer="y\n")
    assert code == 0 and "published version 2" in out
    assert "the notice to 5 person(s) is queued" in out
    assert _published(garant) == [1, 2] and NOTICE_JOB in _jobs(garant)


def test_def_v1_cli_yes_publishes_without_asking(make_garant: Callable[..., Garant]) -> None:
    garant = _workspace(make_garant)
    code, out, _ = _run(garant, "--yes", "--note", "Shorter")
    assert code == 0 and "5 person(s) will receive" in out and "published version 2" in out
    assert NOTICE_JOB in _jobs(garant)
