"""The breach API and back office (AF-B1, AF-B2, AF-B3): roles, CSRF, the clock on screen."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from garant.app import Garant
from garant.web.app import create_app
from tests.breaches.conftest import PASSWORD
from tests.breaches.scenarios import CASES

NEW = {
    "title": "Misdirected member list",
    "nature": ["confidentiality"],
    "aware_at": "2026-03-02T08:00:00+00:00",
    "occurred_at": "2026-03-01T16:00:00+00:00",
    "reported_by": "A member who received it",
    "systems": ["crm.members"],
    "person_categories": ["members"],
    "persons_approx": 80,
    "data_categories": ["identification", "contact"],
    "records_approx": 80,
    "likely_consequences": "Unwanted contact",
    "measures_taken": "Recipient asked to delete",
}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_af_b1_af_b2_api_register_assessment_notification_export(
    staffed_dpo: Garant, api_tokens: dict[str, str]
) -> None:
    client = TestClient(create_app(staffed_dpo))
    manage, audit = _bearer(api_tokens["privacy"]), _bearer(api_tokens["auditor"])
    assert client.get("/api/breaches").status_code == 401
    assert client.post("/api/breaches", json=NEW, headers=audit).status_code == 403
    assert client.get("/api/breaches", headers=_bearer(api_tokens["finance"])).status_code == 403
    created = client.post("/api/breaches", json=NEW, headers=manage)
    assert created.status_code == 201, created.text
    body = created.json()
    ref = body["reference"]
    assert body["due_at"].startswith("2026-03-05T08:00") and body["clock"] == "running"
    for field in (
        "nature",
        "person_categories",
        "persons_approx",
        "data_categories",
        "records_approx",
        "likely_consequences",
        "measures_taken",
        "no_notification_reason",
        "no_communication_reason",
        "occurred_at",
        "processor_aware_at",
        "aware_at",
        "reported_by",
        "systems",
    ):
        assert field in body
    bad = client.post("/api/breaches", json=NEW | {"data_categories": ["shoes"]}, headers=manage)
    assert bad.status_code == 422 and "shoes" in bad.text

    facts = CASES["09"]["facts"]  # EDPB case 09: trusted recipient
    assessed = client.post(f"/api/breaches/{ref}/assessment", json=facts, headers=manage)
    assert assessed.json()["risk"] == "none" and assessed.json()["notify_authority"] is False
    not_dpo = client.post(
        f"/api/breaches/{ref}/override", json={"risk": "risk", "reason": "x"}, headers=manage
    )
    assert not_dpo.status_code == 403 and "only the DPO" in not_dpo.text
    dpo = _bearer(api_tokens["dpo"])
    refused = client.post(
        f"/api/breaches/{ref}/override", json={"risk": "risk", "reason": ""}, headers=dpo
    )
    assert refused.status_code == 422
    over = client.post(
        f"/api/breaches/{ref}/override",
        json={"risk": "risk", "reason": "Recipient unreachable"},
        headers=dpo,
    )
    assert over.json()["risk"] == "risk" and over.json()["override_reason"]

    text = client.get(f"/api/breaches/{ref}/notification?lang=en", headers=audit).text
    for item in (
        "Initial notification",
        "Contact point (data protection officer)",
        "Claire Martin",
        "Approximate number of persons",
        "~80",
        "Information of the persons",
        "Reasons for the delay",
    ):
        assert item in text
    pdf = client.get(f"/api/breaches/{ref}/notification?format=pdf", headers=audit)
    assert pdf.content.startswith(b"%PDF")
    done = client.post(
        f"/api/breaches/{ref}/notifications", json={"phase": "initial"}, headers=manage
    )
    assert done.status_code == 201 and done.json()["clock"] == "notified"

    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/breaches/export?format=csv", headers=audit).text)
        )
    )
    assert rows[0]["reference"] == ref and rows[0]["clock"] == "notified"
    assert '"breaches"' in client.get("/api/breaches/export?format=json", headers=audit).text
    assert client.get("/api/breaches/export?format=pdf", headers=audit).content[:4] == b"%PDF"
    timeline = client.get(f"/api/breaches/{ref}", headers=audit).json()["timeline"]
    kinds = [step["kind"] for step in timeline]
    assert {"recorded", "breach.record", "assessed", "override", "notified_initial"} <= set(kinds)


def _login(client: TestClient, role: str) -> str:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    client.post(
        "/login",
        data={
            "email": f"{role}@staff.example",
            "password": PASSWORD,
            "csrf_token": token.group(1),
            "next": "/admin/breaches",
        },
        follow_redirects=False,
    )
    page = client.get("/admin/breaches/new")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    return token.group(1)


def test_api_assessment_reasons_in_the_request_language_with_stable_codes(
    staffed_dpo: Garant, api_tokens: dict[str, str]
) -> None:
    """The reasons follow ?lang= (kept in a cookie), else Accept-Language; reason_codes stay."""
    client = TestClient(create_app(staffed_dpo))
    manage = _bearer(api_tokens["privacy"])
    facts = CASES["07"]["facts"]  # EDPB case 07: high risk
    french = client.post(
        "/api/breaches/assess", json=facts, headers=manage | {"Accept-Language": "fr-FR,fr"}
    ).json()
    english = client.post("/api/breaches/assess?lang=en", json=facts, headers=manage).json()
    assert english["reasons"][-1].startswith("Likely to result in a high risk")
    assert french["reasons"][-1].startswith("Violation susceptible d'engendrer un risque élevé")
    assert english["reason_codes"] == french["reason_codes"]
    assert english["reason_codes"][-1] == "conclusion.notify_and_inform"
    assert len(french["reason_codes"]) == len(french["reasons"])
    asked = client.post(
        "/api/breaches/assess?lang=en", json=facts, headers=manage | {"Accept-Language": "fr"}
    ).json()
    assert asked["reasons"] == english["reasons"]

    ref = client.post("/api/breaches", json=NEW, headers=manage).json()["reference"]
    kept = client.post(f"/api/breaches/{ref}/assessment?lang=fr", json=facts, headers=manage).json()
    assert kept["reasons"] == french["reasons"] and kept["reason_codes"] == french["reason_codes"]

    schema = client.get("/api/openapi.json").json()
    fields = schema["components"]["schemas"]["Assessment"]["properties"]
    assert "reason_codes" in fields and "language" in fields["reasons"]["description"]
    params = schema["paths"]["/api/breaches/assess"]["post"]["parameters"]
    assert [p["name"] for p in params] == ["lang"]


def test_af_b1_back_office_forms_need_csrf_and_guide_the_assessment(staffed_dpo: Garant) -> None:
    client = TestClient(create_app(staffed_dpo), headers={"Accept-Language": "en"})
    csrf = _login(client, "dpo")
    form = {"title": "Ransomware", "nature": ["availability"], "aware_at": "2026-03-02T10:00"}
    assert client.post("/admin/breaches/new", data=form).status_code == 403  # no CSRF token
    made = client.post(
        "/admin/breaches/new", data=form | {"csrf_token": csrf}, follow_redirects=False
    )
    assert made.status_code == 303
    where = made.headers["location"]
    facts: dict[str, Any] = {
        "csrf_token": csrf,
        "nature": ["availability"],
        "malicious": "on",
        "data_categories": ["identification", "health"],
        "persons": "1800",
        "records": "1800",
        "vulnerable_subjects": "on",
        "identifiability": "direct",
        "exfiltration": "ruled_out",
        "backup_available": "on",
        "restore_hours": "48",
        "service_impact": "severe",
    }  # EDPB case 03
    assert client.post(f"{where}/assess", data=facts, follow_redirects=False).status_code == 303
    page = client.get(where).text
    section = page[page.find('id="risk"') :]
    assert "Risk: high" in section and "ENISA severity SE = DPC x EI + CB" in section
    french = client.get(f"{where}?lang=fr").text
    assert "Gravité ENISA SE = DPC x EI + CB = 5 : très élevée." in french
    assert "Contexte de traitement ENISA DPC = 4 (catégories particulières (art. 9/10))" in french
    client.get(f"{where}?lang=en")
    saved = client.post(
        f"{where}/update",
        data={
            "csrf_token": csrf,
            "person_categories": "patients\nstaff",
            "persons_approx": "1800",
            "measures_taken": "Restored from backup",
            "no_communication_reason": "Not yet decided",
        },
    )
    assert saved.status_code == 200 and "Restored from backup" in saved.text
    assert "patients, staff" in saved.text
    late = client.post(f"{where}/notify", data={"csrf_token": csrf, "phase": "follow_up"})
    assert late.status_code == 422 and "needs an initial notification" in late.text


@pytest.mark.browser
def test_af_b2_browser_records_a_breach_and_sees_its_clock(
    staffed_dpo: Garant, browser: Any, live_server: Any
) -> None:
    with live_server(staffed_dpo) as server:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{server.url}/admin/breaches")
        page.get_by_label("Email").fill("dpo@staff.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/admin/breaches")
        page.get_by_role("link", name="Breaches").click()
        page.get_by_role("link", name="Record a breach").click()
        page.get_by_label("Title", exact=True).fill("Stolen laptop")
        page.get_by_label("Confidentiality", exact=True).check()
        page.get_by_label("When the controller became aware (local time)").fill("2026-03-02T08:30")
        page.get_by_role("button", name="Record the breach").click()
        page.wait_for_url(re.compile(r".*/admin/breaches/B-2026-0001$"))
        clock = page.locator("#clock")
        # now is 2026-03-02 09:00 UTC = 10:00 Paris; aware 08:30 Paris: 70h30 left
        assert "70h30 left" in clock.inner_text()
        assert "5 Mar 2026, 08:30 (Paris time)" in clock.inner_text()
        page.get_by_role("link", name="Breaches").click()
        row = page.get_by_role("row", name=re.compile("B-2026-0001"))
        assert "70h30 left" in row.inner_text()
        page.close()


@pytest.mark.browser
def test_af_b1_browser_guided_form_says_the_recipient_is_known(
    staffed_dpo: Garant, browser: Any, live_server: Any
) -> None:
    """EDPB 01/2021 case 13 typed in the guided form: ticking "the recipient is identified"
    turns a notification into a register entry, as the API answers for the same facts."""
    with live_server(staffed_dpo) as server:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{server.url}/admin/breaches")
        page.get_by_label("Email").fill("dpo@staff.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/admin/breaches")
        for known in (False, True):
            page.goto(f"{server.url}/admin/breaches/new")
            page.get_by_label("Title", exact=True).fill(f"Parcels swapped (known: {known})")
            page.get_by_label("Confidentiality", exact=True).check()
            page.get_by_label("When the controller became aware (local time)").fill(
                "2026-03-02T08:30"
            )
            page.get_by_role("button", name="Record the breach").click()
            page.wait_for_url(re.compile(r".*/admin/breaches/B-2026-000\d$"))
            page.get_by_role("link", name="Assess the risk (guided form)").click()
            for category in (
                "Identification (name, title, pseudonym)",
                "Contact details (phone, email, postal address)",
                "Orders, purchases and invoices",
            ):
                page.get_by_label(category, exact=True).check()
            page.get_by_label("4. Approximate number of persons").fill("2")
            page.get_by_label("Approximate number of records").fill("2")
            page.get_by_label("8. Were the data copied out?").select_option("confirmed")
            page.get_by_label("The data was recovered or deleted").check()
            box = page.get_by_label(
                "The recipient is identified (a customer who received another's parcel), "
                "but not bound by confidentiality"
            )
            assert box.get_attribute("aria-describedby") == "recipient_known-hint"
            hint = page.locator("#recipient_known-hint").inner_text()
            assert hint.startswith("EDPB Guidelines 01/2021, case 13")
            if known:
                box.check()
                shots = Path(__file__).resolve().parents[2] / "test-artifacts" / "breaches"
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / "assess-recipient-known.png"), full_page=True)
            page.get_by_role("button", name="Assess").click()
            page.wait_for_url(re.compile(r".*/admin/breaches/B-2026-000\d$"))
            risk = page.locator("#risk").inner_text()
            expected = (
                "Risk: none · notify the authority: no"
                if known
                else "Risk: risk · notify the authority: yes"
            )
            assert expected in risk, risk
        page.close()
