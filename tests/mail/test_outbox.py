"""Mail goes through the outbox over real SMTP, once, in the person's language."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from garant.app import Garant
from garant.jobs.worker import run_due
from garant.mail.models import OutboxMessage
from garant.mail.service import queue_mail
from tests.conftest import SmtpSink, use_smtp


def test_queued_mail_is_sent_over_smtp_once(garant: Garant, smtp_server: SmtpSink) -> None:
    use_smtp(garant, smtp_server)
    for _ in range(2):  # the same key queues one message only
        with garant.unit_of_work() as uow:
            queue_mail(
                uow=uow,
                to="Person@Example.org",
                template="test",
                lang="fr",
                context={"organization": "Org"},
                key="test:1",
                headers={"List-Unsubscribe": "<https://x/u>"},
            )
    assert run_due(garant).failed == 0
    run_due(garant)
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1  # sent once, whatever the number of passes
    mail = messages[0]
    assert mail["Subject"] == "Message de test de Garant"
    assert mail["To"] == "Person@Example.org"
    assert mail["List-Unsubscribe"] == "<https://x/u>"
    assert "l'envoi de courriels fonctionne" in mail.get_content()
    with garant.unit_of_work() as uow:
        record = uow.session.scalars(select(OutboxMessage)).one()
        assert record.status == "sent" and record.sent_at is not None
        assert record.message_id == mail["Message-ID"]


def test_unreachable_server_leaves_the_mail_queued_for_retry(garant: Garant) -> None:
    garant.settings.mail.host, garant.settings.mail.port = "127.0.0.1", 1
    with garant.unit_of_work() as uow:
        queue_mail(
            uow=uow,
            to="a@example.org",
            template="test",
            lang="en",
            context={"organization": "Org"},
            key="test:2",
        )
    summary = run_due(garant)
    assert summary.failed == 1
    with garant.unit_of_work() as uow:
        record = uow.session.scalars(select(OutboxMessage)).one()
        assert record.status == "queued" and record.error


def test_the_dpo_can_override_a_template_in_the_workspace(
    garant: Garant, smtp_server: SmtpSink
) -> None:
    folder: Path = garant.workspace / "templates" / "mail"
    folder.mkdir(parents=True)
    (folder / "test.en.txt").write_text(
        "Subject: Our own words\n\nHello from {{ organization }}.\n"
    )
    from garant.mail.templates import MailTemplates

    garant.mail_templates = MailTemplates(folder)
    use_smtp(garant, smtp_server)
    with garant.unit_of_work() as uow:
        queue_mail(
            uow=uow,
            to="a@example.org",
            template="test",
            lang="en",
            context={"organization": "Org"},
            key="test:3",
        )
    run_due(garant)
    mail = smtp_server.wait_for(1)[0]
    assert mail["Subject"] == "Our own words"
    assert "Hello from Org." in mail.get_content()
