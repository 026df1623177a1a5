"""The register (AF-B1): the policy's fields, every breach, exports, reminders and dashboard."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import select

from garant.app import Garant
from garant.breaches import export
from garant.breaches.communication import exempt
from garant.breaches.models import Breach
from garant.breaches.notification import as_text, draft
from garant.breaches.schemas import BreachUpdate, Facts
from garant.breaches.service import assess_breach, get_breach, update_breach
from garant.breaches.wiring import dashboard
from garant.clock import FixedClock
from garant.jobs.worker import run_due
from garant.mail.models import OutboxMessage
from tests.breaches.conftest import DPO, record
from tests.breaches.scenarios import CASES
from tests.conftest import EXAMPLES, SmtpSink, use_smtp

AWARE = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # a Friday, 18:00 in Paris


def test_af_b1_register_holds_every_field_the_policy_names() -> None:
    """AF-B1: the example policies' violation_register fields each have a register column."""
    for example in ("alliance-francaise", "def-network"):
        text = (EXAMPLES / example / "policy.yaml").read_text(encoding="utf-8")
        fields = YAML(typ="safe").load(text)["breaches"]["violation_register"]["fields"]
        assert fields, example
        for name in fields:
            assert export.POLICY_FIELDS[name] in export.COLUMNS, name


def test_af_b1_unnotified_breach_is_in_the_register_with_its_justification(
    dpo_garant: Garant,
) -> None:
    breach = record(
        dpo_garant,
        AWARE,
        processor_aware_at=AWARE - timedelta(hours=2),
        occurred_at=AWARE - timedelta(days=1),
    )
    with dpo_garant.unit_of_work(DPO) as uow:
        result = assess_breach(
            uow=uow, ref=breach.reference, facts=Facts.model_validate(CASES["06"]["facts"])
        )  # case 06
        assert result.notify_authority is False
        update_breach(
            uow=uow,
            ref=breach.reference,
            data=BreachUpdate(
                no_notification_reason="Passwords hashed with argon2id; nothing readable left."
            ),
        )
        exempt(
            uow=uow,
            ref=breach.reference,
            exemption="unintelligible",
            reason="Strongly hashed passwords only.",
        )
    with dpo_garant.unit_of_work(DPO) as uow:
        rows = export.register_rows(uow)
    row = rows[0]
    assert row["risk"] == "none" and row["notify_authority"] is False
    assert row["no_notification_reason"].startswith("Passwords hashed")
    assert row["no_communication_reason"].startswith("unintelligible:")
    assert row["processor_aware_at"] < row["aware_at"] and row["occurred_at"] < row["aware_at"]
    parsed = list(csv.DictReader(io.StringIO(export.to_csv(rows))))
    assert parsed[0]["persons_approx"] == "1200" and parsed[0]["records_approx"] == "1500"
    assert parsed[0]["nature"] == "confidentiality"
    document = json.loads(export.to_json(rows))
    assert document["breaches"][0]["reference"] == breach.reference
    assert export.to_pdf(rows, "Alliance Test").startswith(b"%PDF")


def test_af_b2_reminders_at_24_and_48_hours_mailed_to_the_dpo(
    dpo_garant: Garant, smtp_server: SmtpSink
) -> None:
    use_smtp(dpo_garant, smtp_server)
    record(dpo_garant, AWARE)
    dpo_garant.clock = FixedClock(AWARE + timedelta(hours=23))
    run_due(dpo_garant)
    assert smtp_server.messages == []
    dpo_garant.clock = FixedClock(AWARE + timedelta(hours=25))
    run_due(dpo_garant)
    assert "il reste 47 heures" in smtp_server.wait_for(1)[0]["Subject"]
    dpo_garant.clock = FixedClock(AWARE + timedelta(hours=49))
    run_due(dpo_garant)
    run_due(dpo_garant)  # idempotent: a second run sends nothing more
    mails = smtp_server.wait_for(2)
    assert len(mails) == 2 and all(m["To"] == "dpo@alliance.test" for m in mails)
    assert "il reste 23 heures" in mails[1]["Subject"]
    assert "2026-03-09 18:00 CET" in mails[0].get_content()  # Monday 18:00, Paris time
    with dpo_garant.unit_of_work() as uow:
        templates = uow.session.scalars(select(OutboxMessage.template)).all()
        assert templates == ["breach_reminder", "breach_reminder"]


def test_af_b2_dashboard_shows_time_left_late_ones_first(dpo_garant: Garant) -> None:
    record(dpo_garant, AWARE, title="Old one")
    record(dpo_garant, AWARE + timedelta(hours=60), title="New one")
    dpo_garant.clock = FixedClock(AWARE + timedelta(hours=75))
    with dpo_garant.unit_of_work() as uow:
        sections = dashboard(dpo_garant, uow)
        assert len(uow.session.scalars(select(Breach)).all()) == 2
        assert get_breach(uow=uow, ref="B-2026-0002").title == "New one"
    assert sections[0]["level"] == "late"
    texts = [item["text"] for item in sections[0]["items"]]
    assert texts == ["B-2026-0001 · Old one · late by 3h00", "B-2026-0002 · New one · 57h00 left"]


def test_af_b2_notification_draft_on_the_alliance_francaise_example(make_garant: Any) -> None:
    """AF-B2: the draft names the controller and the DPO exactly as the published policy does."""
    garant = make_garant(example="alliance-francaise")
    breach = record(garant, AWARE)
    with garant.unit_of_work(DPO) as uow:
        content = draft(uow=uow, ref=breach.reference, phase="initial", lang="fr")
    text = as_text(content)
    assert "Responsable de traitement :\n  Alliance Française de Paris" in text
    assert "dpo@alliancefr.org" in text
    assert "6 mars 2026, 18:00 (heure de Paris)" in text and "Notification initiale" in text
