"""Corrections to the register and the end of an engagement: the entry stays as evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from garant.accounts.roles import Role
from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.errors import Conflict, InvalidInput
from garant.processors.changes import end_processor, reopen_processor, update_processor
from garant.processors.schemas import ProcessorCreate, ProcessorEnd, ProcessorUpdate
from garant.processors.service import all_alerts, create_processor, get_processor
from garant.web.app import create_app
from tests.web.conftest import PASSWORD, staff_email


def _add(garant: Garant, **values: object) -> None:
    data = ProcessorCreate.model_validate({"name": "Hoster", "countries": ["FR"]} | values)
    with garant.unit_of_work() as uow:
        create_processor(uow=uow, data=data)


def _actions(garant: Garant) -> list[str]:
    with garant.unit_of_work(read_only=True) as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_def_sp1_an_entry_is_corrected_and_checked_again_as_a_whole(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    """DEF-SP1: a correction keeps the register coherent (SCC module needs SCC, expiry after
    signing) and is audited with the fields it touched, never their values."""
    garant = make_garant(url=store_url)
    _add(garant, contract_signed="2025-01-01")
    with garant.unit_of_work() as uow:
        with pytest.raises(InvalidInput) as refused:
            update_processor(uow=uow, name="Hoster", data=ProcessorUpdate(scc_module="2"))
        assert getattr(refused.value, "field", None) == "scc_module"
        with pytest.raises(InvalidInput) as refused:
            update_processor(
                uow=uow, name="Hoster", data=ProcessorUpdate(contract_expires=date(2024, 1, 1))
            )
        assert getattr(refused.value, "field", None) == "contract_expires"
    with garant.unit_of_work() as uow:
        update_processor(
            uow=uow,
            name="Hoster",
            data=ProcessorUpdate(name="Hoster SAS", countries=["fr", "de"], breach_notice_hours=24),
        )
    with garant.unit_of_work(read_only=True) as uow:
        renamed = get_processor(uow=uow, name="Hoster SAS")
        assert renamed.countries == ["FR", "DE"] and renamed.breach_notice_hours == 24
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processor.update")
        ).one()
        assert event.details == {"fields": ["breach_notice_hours", "countries", "name"]}
    _add(garant, name="Other")
    with garant.unit_of_work() as uow, pytest.raises(Conflict):
        update_processor(uow=uow, name="Other", data=ProcessorUpdate(name="Hoster SAS"))


def test_def_sp1_an_ended_processor_stays_in_the_register_without_alerts(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    """DEF-SP1, AF-SEC2: ending keeps the entry (evidence) and stops its alerts; a mistaken
    end can be undone; both steps are audited."""
    garant = make_garant(url=store_url)  # the clock: 2026-03-02
    _add(garant)  # no contract: an alert
    with garant.unit_of_work(read_only=True) as uow:
        assert [a["kind"] for a in all_alerts(uow=uow)][:1] == ["contract_missing"]
    with garant.unit_of_work() as uow:
        with pytest.raises(InvalidInput) as future:
            end_processor(uow=uow, name="Hoster", data=ProcessorEnd(ended_on=date(2026, 3, 3)))
        assert getattr(future.value, "field", None) == "ended_on"
        end_processor(
            uow=uow, name="Hoster", data=ProcessorEnd(ended_on=date(2026, 3, 1), reason="moved")
        )
    with garant.unit_of_work(read_only=True) as uow:
        kept = get_processor(uow=uow, name="Hoster")
        assert kept.ended_on == date(2026, 3, 1) and kept.end_reason == "moved"
        assert all_alerts(uow=uow) == []
    with garant.unit_of_work() as uow, pytest.raises(Conflict, match="already ended"):
        end_processor(uow=uow, name="Hoster", data=ProcessorEnd(ended_on=date(2026, 3, 1)))
    with garant.unit_of_work() as uow:
        reopen_processor(uow=uow, name="Hoster")
    with garant.unit_of_work(read_only=True) as uow:
        assert get_processor(uow=uow, name="Hoster").ended_on is None
    assert _actions(garant)[-3:] == ["processor.create", "processor.end", "processor.reopen"]


def test_def_o2_a_processor_the_policy_names_cannot_be_ended(
    make_garant: Callable[..., Garant],
) -> None:
    """DEF-O2: the register may not contradict the policy the persons were told; nor may a
    processor end while one of its sub-processors is still engaged."""
    garant = make_garant(example="alliance-francaise")
    declared = garant.policy.processors[0]
    with garant.unit_of_work() as uow:
        from garant.processors.service import sync_from_policy

        sync_from_policy(uow=uow)
    with garant.unit_of_work() as uow, pytest.raises(Conflict) as refused:
        end_processor(uow=uow, name=declared.name, data=ProcessorEnd(ended_on=date(2026, 3, 1)))
    assert "still named by the policy" in refused.value.message
    assert "a processor the policy declares" in refused.value.message
    assert declared.id not in refused.value.message.replace(declared.name, "")
    _add(garant, name="Parent")
    with garant.unit_of_work() as uow:
        create_processor(
            uow=uow, data=ProcessorCreate(name="Child", countries=["FR"], parent="Parent")
        )
    with garant.unit_of_work() as uow, pytest.raises(Conflict, match="Child"):
        end_processor(uow=uow, name="Parent", data=ProcessorEnd(ended_on=date(2026, 3, 1)))


def test_api_edit_end_and_reopen_with_roles(make_garant: Callable[..., Garant]) -> None:
    """DEF-S2: only a role that manages the register corrects or ends an entry (403 else);
    a bad value is a 422 naming the field; the policy's refusal is a 409."""
    garant = make_garant()
    with garant.unit_of_work() as uow:
        for role in (Role.DPO, Role.FINANCE):
            add_user(uow=uow, email=staff_email(role), role=role.value, password=PASSWORD)
        tokens = {r: issue_token(uow=uow, email=staff_email(r), name="t")
                  for r in (Role.DPO, Role.FINANCE)}  # fmt: skip
    _add(garant)
    with TestClient(create_app(garant)) as client:

        def call(role: Role, method: str, path: str, body: object = None) -> object:
            headers = {"Authorization": f"Bearer {tokens[role]}"}
            return client.request(method, path, headers=headers, json=body)

        url = "/api/accountability/processors/Hoster"
        assert call(Role.FINANCE, "PATCH", url, {"service": "x"}).status_code == 403
        end = {"ended_on": "2026-03-01"}
        assert call(Role.FINANCE, "POST", url + "/end", end).status_code == 403
        bad = call(Role.DPO, "PATCH", url, {"breach_notice_hours": -1})
        assert bad.status_code == 422 and "breach_notice_hours" in bad.text
        incoherent = call(Role.DPO, "PATCH", url, {"scc_module": "1"})
        assert incoherent.status_code == 422 and "scc_module" in incoherent.text
        ok = call(Role.DPO, "PATCH", url, {"service": "Hosting", "mechanism": "scc",
                                           "scc_module": "2"})  # fmt: skip
        assert ok.status_code == 200, ok.text
        assert ok.json()["service"] == "Hosting" and ok.json()["scc_module"] == "2"
        ended = call(Role.DPO, "POST", url + "/end", {"ended_on": "2026-02-28", "reason": "r"})
        assert ended.status_code == 200 and ended.json()["ended_on"] == "2026-02-28"
        assert call(Role.DPO, "POST", url + "/end", {"ended_on": "2026-02-28"}).status_code == 409
        assert call(Role.DPO, "POST", url + "/reopen").json()["ended_on"] is None
        assert call(Role.DPO, "DELETE", url).status_code == 405  # the register keeps history


def test_af_sec2_live_check_skips_an_ended_processor_and_the_dossier_dates_its_end(
    make_garant: Callable[..., Garant],
) -> None:
    """AF-SEC2, DEF-SP1, AF-T1: a processor without contract, with an overdue audit and a
    US transfer without DPF is found by the check while engaged, and not once ended; the
    dossier still lists it, with the day it ended."""
    from garant.accountability.check_runner import run_checks
    from garant.accountability.dossier import build_html

    garant = make_garant()
    _add(garant, name="Mailer", countries=["US"], mechanism="adequacy", next_audit="2026-01-01")

    def about_mailer() -> set[str]:
        with garant.unit_of_work() as uow:
            report = run_checks(uow=uow, store=False)
        return {f.check for f in report.findings if "Mailer" in f.message}

    assert about_mailer() == {"processor_contract", "transfer", "processor_audit"}
    with garant.unit_of_work() as uow:
        end_processor(uow=uow, name="Mailer", data=ProcessorEnd(ended_on=date(2026, 2, 1)))
    assert about_mailer() == set()
    assert "Mailer (fin le 2026-02-01)" in build_html(garant)  # the policy speaks French


def test_a_name_with_a_slash_is_reached_on_the_api_and_the_pages(
    make_garant: Callable[..., Garant],
) -> None:
    """Company names such as "Novo Nordisk A/S" contain a slash: the register's URLs still
    reach the entry, whether the slash is sent as it is or encoded."""
    garant = make_garant()
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=staff_email(Role.DPO), role=Role.DPO.value, password=PASSWORD)
        token = issue_token(uow=uow, email=staff_email(Role.DPO), name="t")
    _add(garant, name="Hoster A/S")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(garant)) as client:
        for path in ("Hoster A/S", "Hoster%20A%2FS"):
            url = f"/api/accountability/processors/{path}"
            changed = client.patch(url, headers=headers, json={"service": path})
            assert changed.status_code == 200, changed.text
            assert changed.json()["name"] == "Hoster A/S"
        ended = client.post(url + "/end", headers=headers, json={"ended_on": "2026-03-01"})
        assert ended.status_code == 200 and ended.json()["ended_on"] == "2026-03-01"
        client.post("/login", data={"email": staff_email(Role.DPO), "password": PASSWORD})
        page = client.get("/admin/accountability/processors/Hoster%20A%2FS/edit")
        assert page.status_code == 200 and "Hoster A/S" in page.text
