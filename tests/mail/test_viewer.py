"""The outbox read back: a list and a message, in the back office and the CLI, audited;
an unreachable SMTP server named in one line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from garant.accounts.roles import Role
from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.cli.main import build_app
from garant.mail.service import queue_mail
from garant.mail.viewer import list_messages, read_message
from tests.conftest import free_port
from tests.web.conftest import client, login, staffed  # noqa: F401 (fixtures)


def _queue(garant: Garant, to: str, key: str, lang: str = "fr") -> int:
    with garant.unit_of_work() as uow:
        message = queue_mail(
            uow=uow,
            to=to,
            template="test",
            lang=lang,
            context={"organization": "Alliance"},
            key=key,
        )
        return message.id


def _actions(garant: Garant, action: str) -> list[AuditEvent]:
    with garant.unit_of_work() as uow:
        return list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_list_filters_by_recipient_and_reading_is_audited(garant: Garant) -> None:
    first = _queue(garant, "ana@example.org", "k1")
    _queue(garant, "bob@example.org", "k2", lang="en")
    with garant.unit_of_work() as uow:
        rows, total = list_messages(uow=uow)
        only_ana, ana_total = list_messages(uow=uow, recipient="ANA@example.org")
    assert total == 2 and [r.recipient for r in rows] == ["bob@example.org", "ana@example.org"]
    assert ana_total == 1 and only_ana[0].id == first
    with garant.unit_of_work() as uow:
        message = read_message(uow=uow, message_id=first)
    assert message.summary.subject == "Message de test de Garant"
    assert "l'envoi de courriels fonctionne" in message.body_text
    events = _actions(garant, "mail.read")
    assert [e.object_id for e in events] == [str(first)]
    assert "ana@example.org" not in str(events[0].details)


def test_back_office_viewer_for_dpo_and_privacy_only(
    staffed: Garant,  # noqa: F811
    client: TestClient,  # noqa: F811
) -> None:
    message_id = _queue(staffed, "ana@example.org", "k1")
    token = login(client, Role.PRIVACY)
    listing = client.get("/admin/mail")
    assert listing.status_code == 200 and "ana@example.org" in listing.text
    assert "Garant test message" not in listing.text  # the French mail keeps its subject
    page = client.get(f"/admin/mail/{message_id}")
    assert page.status_code == 200 and "outgoing mail works" not in page.text
    assert "l&#39;envoi de courriels fonctionne" in page.text
    assert client.get("/admin/mail/999").status_code == 404
    client.post("/logout", data={"csrf_token": token})
    login(client, Role.FINANCE)
    refused = client.get(f"/admin/mail/{message_id}", follow_redirects=False)
    assert refused.status_code == 403


def test_cli_mail_list_and_show(make_garant: Callable[..., Garant]) -> None:
    garant = make_garant()
    message_id = _queue(garant, "ana@example.org", "k1")
    workspace = str(garant.workspace)
    garant.close()
    runner = CliRunner()
    listed = runner.invoke(build_app(), ["mail", "list", "-w", workspace])
    assert listed.exit_code == 0, listed.output
    assert "ana@example.org" in listed.output and "1 of 1 message(s)" in listed.output
    shown = runner.invoke(build_app(), ["mail", "show", str(message_id), "-w", workspace])
    assert shown.exit_code == 0, shown.output
    assert "To: ana@example.org" in shown.output and "fonctionne" in shown.output
    missing = runner.invoke(build_app(), ["mail", "show", "42", "-w", workspace])
    assert missing.exit_code == 2 and "no mail 42" in missing.output


@pytest.mark.parametrize("logging_silenced", [False, True], ids=["logging", "no-logging"])
def test_worker_once_names_the_unreachable_smtp_server(
    make_garant: Callable[..., Garant],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    logging_silenced: bool,
) -> None:
    # the reason comes from the run's own summary, not from a log handler: a host
    # application's logging setup (dictConfig disabling existing loggers) must not hide it
    if logging_silenced:
        monkeypatch.setattr(logging.getLogger("garant.worker"), "disabled", True)
    garant = make_garant()
    port = free_port()  # nothing listens there
    toml = garant.workspace / "garant.toml"
    toml.write_text(toml.read_text() + f"\n[mail]\nhost = '127.0.0.1'\nport = {port}\n")
    _queue(garant, "ana@example.org", "k1")
    workspace = str(garant.workspace)
    garant.close()
    result = CliRunner().invoke(build_app(), ["worker", "--once", "-w", workspace])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "error:" in line]
    assert len(lines) == 1, result.output
    assert f"cannot reach the SMTP server 127.0.0.1:{port}" in lines[0]
    assert "Traceback" not in result.output
