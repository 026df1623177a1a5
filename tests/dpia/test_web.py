"""A DPIA's assessment written in the back office: errors beside each field, roles, CSRF,
the result on the DPIA's page; and a DPO filling it in a browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from garant.accounts.roles import Role
from garant.accounts.service import add_user
from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.dpia.schemas import DpiaCreate
from garant.dpia.service import get_dpia, screen_processing
from garant.web.app import create_app
from tests.web.conftest import PASSWORD, login, staff_email

FORM = "/admin/accountability/dpias/1/assessment"


@pytest.fixture
def screened(make_garant: Callable[..., Garant]) -> Garant:
    garant = make_garant()
    with garant.unit_of_work() as uow:
        for role in (Role.DPO, Role.AUDITOR):
            add_user(uow=uow, email=staff_email(role), role=role.value, password=PASSWORD)
        criteria = ["systematic_monitoring", "large_scale"]
        screen_processing(uow=uow, data=DpiaCreate(title="Learner tracking", criteria=criteria))
    return garant


def _errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="error-([\w.]+)" role="alert">([^<]+)<', html))


def test_dpia_assessment_errors_are_shown_beside_their_field(screened: Garant) -> None:
    """Art. 35(7): a refused assessment comes back with what was typed and each problem
    beside its field; nothing is written."""
    with TestClient(create_app(screened), headers={"Accept-Language": "en"}) as client:
        csrf = login(client, Role.DPO)
        assert client.get(FORM).status_code == 200
        bad = client.post(FORM, data={
            "csrf_token": csrf, "context.overview": "Tracks attendance",
            "risks.disappearance.severity": "7", "risks.unwanted_change.likelihood": "often",
            "validation.dpo_status": "yes", "measures.0.content": "Backups every night",
            "validation.decision": "maybe"})  # fmt: skip
        assert bad.status_code == 422
        assert _errors(bad.text) == {
            "risks.disappearance.severity": "At most 4.",
            "risks.unwanted_change.likelihood": "Enter a whole number.",
            "validation.dpo_status": "Enter a whole number.",
            "validation.decision": "Choose one of the values offered.",
            "measures.0.title": "A measure needs a title.",
        }
        assert "Tracks attendance</textarea>" in bad.text  # the input is kept
        untitled = {"csrf_token": csrf, "measures.0.content": "Backups every night"}
        only_title = client.post(FORM, data=untitled)
        assert _errors(only_title.text) == {"measures.0.title": "A measure needs a title."}
    with screened.unit_of_work(read_only=True) as uow:
        assert get_dpia(uow=uow, dpia_id=1).context == {}


def test_dpia_assessment_roles_and_csrf(screened: Garant) -> None:
    """DEF-S2: the auditor reads the DPIA's page but may not write its assessment (403);
    a form without the CSRF token is refused."""
    with TestClient(create_app(screened)) as client:
        csrf = login(client, Role.AUDITOR)
        assert client.get("/admin/accountability/dpias/1").status_code == 200
        assert client.get(FORM).status_code == 403
        assert client.post(FORM, data={"csrf_token": csrf}).status_code == 403
        assert "/assessment" not in client.get("/admin/accountability/dpias/1").text
    with TestClient(create_app(screened)) as client:
        login(client, Role.DPO)
        assert client.post(FORM, data={"context.overview": "x"}).status_code == 403


def test_dpia_assessment_saved_shown_and_audited(screened: Garant) -> None:
    """Art. 35(7), 36(1): the saved assessment shows on the DPIA's page; a residual risk
    significant in severity and likelihood sets the prior-consultation flag; audited."""
    with TestClient(create_app(screened), headers={"Accept-Language": "en"}) as client:
        csrf = login(client, Role.DPO)
        sent = client.post(FORM, follow_redirects=False, data={
            "csrf_token": csrf, "context.overview": "Tracks attendance",
            "principles.purposes": "Pedagogical follow-up",
            "risks.illegitimate_access.threats": "Stolen laptop\nPhishing",
            "risks.illegitimate_access.severity": "3", "risks.illegitimate_access.likelihood": "3",
            "measures.0.title": "Encryption", "measures.0.content": "Disks encrypted",
            "measures.1.title": "", "measures.1.content": "",
            "validation.dpo_names": "Claire Martin", "validation.dpo_opinion": "Favourable",
            "validation.decision": "validated"})  # fmt: skip
        assert sent.status_code == 303
        assert sent.headers["location"] == "/admin/accountability/dpias/1"
        page = client.get("/admin/accountability/dpias/1").text
        assert "Tracks attendance" in page and "Pedagogical follow-up" in page
        assert re.search(r'id="prior-consultation">yes<', page)
        assert re.search(r'id="decision">validated<', page)
        assert "3 - significant" in page and "Encryption" in page
        again = client.get(FORM).text  # the form starts from what was saved
        assert "Stolen laptop\nPhishing</textarea>" in again
    with screened.unit_of_work(read_only=True) as uow:
        dpia = get_dpia(uow=uow, dpia_id=1)
        assert dpia.status == "validated" and dpia.prior_consultation is True
        assert dpia.measures == [{"title": "Encryption", "content": "Disks encrypted"}]
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "dpia.assess")
        ).one()
        assert event.actor == staff_email(Role.DPO) or staff_email(Role.DPO) in event.actor
        assert event.details == {"status": "validated", "prior_consultation": True}


@pytest.mark.browser
def test_dpia_browser_fills_an_assessment(screened: Garant, browser: Any, live_server: Any) -> None:
    """Art. 35(7): a DPO opens the DPIA, writes its assessment, corrects a field, saves."""
    with live_server(screened) as server:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{server.url}/login?lang=en")
        page.get_by_label("Email").fill(staff_email(Role.DPO))
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/admin")
        page.goto(f"{server.url}/admin/accountability/dpias")
        page.get_by_role("link", name="Learner tracking").click()
        page.get_by_role("link", name="Write or edit the assessment").click()
        page.get_by_label("Overview of the processing").fill("Tracks attendance of learners")
        page.locator("select[name='risks.disappearance.severity']").select_option("2")
        page.locator("select[name='risks.disappearance.likelihood']").select_option("1")
        page.get_by_label("Measure 1: description").fill("Nightly backups")
        page.get_by_label("DPO opinion", exact=True).fill("Favourable, with backups tested")
        page.get_by_label("Decision").select_option("validated")
        page.get_by_role("button", name="Save the assessment").click()
        assert page.locator("#error-measures\\.0\\.title").inner_text() == (
            "A measure needs a title."
        )
        assert page.get_by_label("Overview of the processing").input_value() == (
            "Tracks attendance of learners"
        )
        page.get_by_label("Measure 1: title").fill("Backups")
        page.get_by_role("button", name="Save the assessment").click()
        page.wait_for_url(f"{server.url}/admin/accountability/dpias/1")
        assert page.locator("#decision").inner_text() == "validated"
        assert page.locator("#dpo-opinion").inner_text() == "Favourable, with backups tested"
        assert page.locator("#prior-consultation").inner_text() == "no"
        assert page.get_by_text("Tracks attendance of learners").is_visible()
        page.close()
