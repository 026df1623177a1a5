"""Disclosures (DEF-S4, AF-S1) and organizational records (AF-A1, DEF-S3)."""

from __future__ import annotations

import json

from sqlalchemy import select

from garant.accountability.records import record_reminders
from garant.accountability.wiring import dashboard
from garant.app import Garant
from garant.audit.chain import open_payload
from garant.audit.models import AuditEvent, AuditPayload
from garant.i18n import language
from garant.jobs.worker import run_due
from tests.accountability.cli import run_cli
from tests.conftest import SmtpSink, use_smtp


def _export_sections(garant: Garant, email: str) -> list[dict]:  # type: ignore[type-arg]
    """The sections the person's access export gathers from Garant's own records."""
    from garant.subjects.records import gather

    with garant.unit_of_work() as uow, language("en"):
        refs = uow.subject_refs("email", email)
        sections = gather(uow, refs)
    return [s for s in sections if s["title"] == "Disclosures of your data"]


def test_def_s4_disclosure_logged_and_shown_in_the_access_export(garant: Garant) -> None:
    """DEF-S4: who asked, on what basis, what, about whom, when, approved by whom."""
    code, out = run_cli(
        garant, "disclosure", "log", "--requester", "Police nationale", "--basis", "injunction",
        "--data", "Contact details", "--approved-by", "dpo@example.org",
        "--identity", "Alice@Example.org", "--reference", "PV 2026/12",
    )  # fmt: skip
    assert code == 0, out
    code, out = run_cli(
        garant, "disclosure", "log", "--requester", "Juge d'instruction", "--basis",
        "court_order", "--data", "Login history", "--approved-by", "dpo@example.org",
        "--identity", "alice@example.org", "--secret", "Art. 11 code de procédure pénale",
    )  # fmt: skip
    assert code == 0, out
    [section] = _export_sections(garant, "alice@example.org")
    assert section["title"] == "Disclosures of your data"
    assert [r["Recipient"] for r in section["rows"]] == ["Police nationale"]  # secret one hidden
    assert section["rows"][0]["Legal basis"] == "Injunction"
    assert _export_sections(garant, "bob@example.org") == []

    code, out = run_cli(garant, "disclosure", "list", "--json")
    logged = json.loads(out)
    assert [d["legal_basis"] for d in logged] == ["injunction", "court_order"]
    assert logged[1]["secrecy_reason"].startswith("Art. 11")
    with garant.unit_of_work() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "disclosure.log")
        ).first()
        assert event is not None and event.subject_ref and "alice" not in json.dumps(event.details)
        payload = uow.session.get(AuditPayload, event.seq)
        assert payload is not None
        assert (open_payload(uow.keys, payload) or {})["identity"] == "Alice@Example.org"


def test_af_s1_disclosure_no_law_compels_is_flagged(garant: Garant) -> None:
    """AF-S1, DEF-S1: the organization is the only recipient; other disclosures are flagged."""
    code, out = run_cli(
        garant, "disclosure", "log", "--requester", "Partner Ltd", "--basis", "other",
        "--data", "Mailing list", "--approved-by", "ceo",
    )  # fmt: skip
    assert code == 0 and "flagged" in out
    code, out = run_cli(garant, "check", "--json")
    assert [f["check"] for f in json.loads(out)["findings"]] == ["disclosure"]
    code, out = run_cli(
        garant, "disclosure", "log", "--requester", "X", "--basis", "injunction", "--data", "Y",
        "--approved-by", "Z", "--secret", "",
    )  # fmt: skip
    assert code == 2 and "secrecy_reason" in out


def test_af_a1_def_s3_records_lapse_and_remind(garant: Garant) -> None:
    """AF-A1, DEF-S3: trainings and agreements are dated; a lapse is reminded and checked."""
    for args in (
        ["training", "GDPR training 2025", "--dated", "2025-03-01", "--valid-until", "2026-02-01",
         "--holder", "Sales team"],
        ["confidentiality", "NDA Jane", "--dated", "2025-01-01", "--valid-until", "2026-03-20"],
        ["charter", "IT charter", "--dated", "2024-06-01"],
        ["procedure", "Breach procedure", "--dated", "2025-06-01"],
    ):  # fmt: skip
        assert run_cli(garant, "record", "add", *args)[0] == 0
    code, out = run_cli(garant, "record", "list", "--json", "--as-of", "2026-03-02")
    states = {r["title"]: r["state"] for r in json.loads(out)}
    assert states == {"GDPR training 2025": "lapsed", "NDA Jane": "lapsing",
                      "IT charter": "current", "Breach procedure": "current"}  # fmt: skip
    with garant.unit_of_work() as uow:
        assert {r["state"] for r in record_reminders(uow=uow)} == {"lapsed", "lapsing"}
        titles = [s["title"] for s in dashboard(garant, uow)]
    assert "Organizational records" in titles
    code, out = run_cli(garant, "record", "add", "poem", "X", "--dated", "2025-01-01")
    assert code == 2 and "kind" in out


def test_af_a1_daily_run_keeps_the_trend_and_reminds_the_dpo(
    garant: Garant, smtp_server: SmtpSink
) -> None:
    """AF-A1, DEF-S3: the worker runs the check each day and mails the DPO the lapses."""
    use_smtp(garant, smtp_server)
    garant.settings.mail.dpo_address = "dpo@example.org"
    assert run_cli(garant, "record", "add", "training", "GDPR 2025", "--dated", "2025-01-01",
                   "--valid-until", "2026-02-01")[0] == 0  # fmt: skip
    assert run_due(garant).failed == 0
    run_due(garant)  # the mail queued by the daily job
    smtp_server.wait_for(1)
    mails = [m for m in smtp_server.messages if "accountability reminders" in m["Subject"]
             or "rappels de conformité" in m["Subject"]]  # fmt: skip
    assert len(mails) == 1 and "GDPR 2025" in mails[0].get_content()
    run_due(garant)  # the same day is not run twice
    with garant.unit_of_work() as uow:
        from garant.accountability.check_runner import trend

        assert len(trend(uow=uow)) == 1


def test_af_a1_the_dpo_reminder_reads_in_the_policys_language(
    garant: Garant, smtp_server: SmtpSink
) -> None:
    """AF-A1: the reminder mail is in the policy's first language, a processor's alert and a
    record's kind and state included (no English alert, no code, no ISO date in it)."""
    from garant.processors.schemas import ProcessorCreate
    from garant.processors.service import create_processor

    use_smtp(garant, smtp_server)
    garant.settings.mail.dpo_address = "dpo@example.org"
    assert run_cli(garant, "record", "add", "training", "GDPR 2025", "--dated", "2025-01-01",
                   "--valid-until", "2026-02-01")[0] == 0  # fmt: skip
    with garant.unit_of_work() as uow:
        create_processor(uow=uow, data=ProcessorCreate(name="NoContract", countries=["FR"]))
    run_due(garant)
    run_due(garant)
    smtp_server.wait_for(1)
    lang = (garant.policy.languages or ["fr"])[0]
    body = next(m for m in smtp_server.messages if "dpo@example.org" in m["To"]).get_content()
    with language(lang):
        from garant.i18n import gettext

        expected = gettext("no signed Art. 28 contract")
    assert f"NoContract : {expected}" in body or f"NoContract: {expected}" in body
    if lang == "fr":
        assert "aucun contrat art. 28 signé" in body and "Formation" in body and "échu" in body
