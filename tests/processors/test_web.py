"""The processors register in the back office: edit and end an entry, with roles, CSRF and
errors shown beside their field; and a person clicking it through in a browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from garant.accounts.roles import Role
from garant.accounts.service import add_user
from garant.app import Garant
from garant.processors.schemas import ProcessorCreate
from garant.processors.service import create_processor, get_processor
from garant.web.app import create_app
from tests.web.conftest import PASSWORD, login, staff_email

EDIT = "/admin/accountability/processors/Hoster/edit"
END = "/admin/accountability/processors/Hoster/end"


def _staffed(make_garant: Callable[..., Garant], **kwargs: Any) -> Garant:
    garant = make_garant(**kwargs)
    with garant.unit_of_work() as uow:
        for role in (Role.DPO, Role.FINANCE):
            add_user(uow=uow, email=staff_email(role), role=role.value, password=PASSWORD)
        create_processor(
            uow=uow,
            data=ProcessorCreate(name="Hoster", service="Hosting", countries=["FR"],
                                 contract_signed="2025-01-01"),  # type: ignore[arg-type]
        )  # fmt: skip
    return garant


@pytest.fixture
def staffed(make_garant: Callable[..., Garant]) -> Garant:
    return _staffed(make_garant)


def _edit_form(csrf: str, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {"csrf_token": csrf, "name": "Hoster", "service": "Hosting",
                               "countries": "FR", "contract_signed": "2025-01-01"}  # fmt: skip
    return form | changes


def test_def_sp1_edit_form_keeps_input_and_shows_errors_by_field(staffed: Garant) -> None:
    """DEF-SP1: a refused correction comes back with what was typed and each error beside
    its field; a good one is saved and shown."""
    with TestClient(create_app(staffed), headers={"Accept-Language": "en"}) as client:
        csrf = login(client, Role.DPO)
        page = client.get(EDIT)
        assert page.status_code == 200 and 'value="Hosting"' in page.text
        assert 'value="2025-01-01"' in page.text
        bad = client.post(EDIT, data=_edit_form(csrf, service="Cloud", countries="FR, 12",
                          breach_notice_hours="soon", contract_expires="2024-01-01"))  # fmt: skip
        assert bad.status_code == 422
        assert 'value="Cloud"' in bad.text and 'value="FR, 12"' in bad.text  # input kept
        errors = dict(re.findall(r'id="error-([\w.]+)" role="alert">([^<]+)<', bad.text))
        assert errors["countries"].startswith("country codes are ISO 3166")
        assert errors["breach_notice_hours"] == "Enter a whole number."
        assert errors["contract_expires"] == "the contract cannot expire before it was signed"
        assert set(errors) == {"countries", "breach_notice_hours", "contract_expires"}
        clash = client.post(EDIT, data=_edit_form(csrf, mechanism="adequacy", scc_module="2"))
        assert 'id="error-scc_module"' in clash.text
        good = client.post(EDIT, data=_edit_form(csrf, service="Cloud", countries="FR, DE",
                           clauses=["confidentiality"]), follow_redirects=False)  # fmt: skip
        assert good.status_code == 303
    with staffed.unit_of_work(read_only=True) as uow:
        saved = get_processor(uow=uow, name="Hoster")
        assert saved.service == "Cloud" and saved.countries == ["FR", "DE"]
        assert saved.clauses == {"confidentiality": True}


def test_def_s2_only_the_register_keepers_edit_or_end(staffed: Garant) -> None:
    """DEF-S2: finance reads the register but gets 403 on edit and end; no CSRF token, 403."""
    with TestClient(create_app(staffed)) as client:
        csrf = login(client, Role.FINANCE)
        assert client.get("/admin/accountability/processors").status_code == 200
        assert client.get(EDIT).status_code == 403
        assert client.get(END).status_code == 403
        assert client.post(EDIT, data=_edit_form(csrf)).status_code == 403
        end = {"csrf_token": csrf, "ended_on": "2026-03-01"}
        assert client.post(END, data=end).status_code == 403
        assert "/edit" not in client.get("/admin/accountability/processors").text
    with TestClient(create_app(staffed)) as client:
        login(client, Role.DPO)
        assert client.post(EDIT, data=_edit_form("wrong")).status_code == 403
        assert client.post(END, data={"ended_on": "2026-03-01"}).status_code == 403


def test_def_sp1_end_is_confirmed_and_the_entry_kept(staffed: Garant) -> None:
    """DEF-SP1: the end asks for a day and a reason, refuses a future day beside the field,
    then lists the processor under the ended ones (kept as evidence)."""
    with TestClient(create_app(staffed), headers={"Accept-Language": "en"}) as client:
        csrf = login(client, Role.DPO)
        confirm = client.get(END)
        assert confirm.status_code == 200 and 'value="2026-03-02"' in confirm.text
        future = client.post(END, data={"csrf_token": csrf, "ended_on": "2027-01-01",
                                        "reason": "moving"})  # fmt: skip
        assert future.status_code == 422 and 'id="error-ended_on"' in future.text
        assert "moving" in future.text
        end = {"csrf_token": csrf, "ended_on": "2026-03-01", "reason": "moved to another host"}
        done = client.post(END, data=end, follow_redirects=False)
        assert done.status_code == 303
        page = client.get("/admin/accountability/processors").text
        ended = page.split("Ended processors")[1]
        assert "Hoster" in ended and "moved to another host" in ended


def test_def_o2_ending_a_processor_the_policy_names_is_refused_in_words(
    make_garant: Callable[..., Garant],
) -> None:
    """DEF-O2: the refusal says where the policy names it and what to do."""
    garant = _staffed(make_garant, example="alliance-francaise")
    name = garant.policy.processors[0].name
    with garant.unit_of_work() as uow:
        from garant.processors.service import sync_from_policy

        sync_from_policy(uow=uow)
    with TestClient(create_app(garant), headers={"Accept-Language": "en"}) as client:
        csrf = login(client, Role.DPO)
        url = f"/admin/accountability/processors/{name}/end"
        refused = client.post(url, data={"csrf_token": csrf, "ended_on": "2026-03-01"})
        assert refused.status_code == 409
        assert "still named by the policy" in refused.text and "policy.yaml" in refused.text
        edit = client.get(f"/admin/accountability/processors/{name}/edit").text
        assert 'id="declared"' in edit and "the next processor sync" in edit


@pytest.mark.browser
def test_def_sp1_browser_edits_then_ends_a_processor(
    staffed: Garant, browser: Any, live_server: Any
) -> None:
    """DEF-SP1: a DPO corrects an entry, sees an error beside a field, then ends it."""
    with live_server(staffed) as server:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{server.url}/login?lang=en")
        page.get_by_label("Email").fill(staff_email(Role.DPO))
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/admin")
        page.goto(f"{server.url}/admin/accountability/processors")
        page.get_by_role("link", name="Edit Hoster").click()
        page.get_by_label("Breach notice delay (hours)").fill("9999")
        page.get_by_label("Service").fill("Cloud hosting")
        page.get_by_role("button", name="Save").click()
        assert page.locator("#error-breach_notice_hours").inner_text() == "At most 2160."
        assert page.get_by_label("Service").input_value() == "Cloud hosting"
        page.get_by_label("Breach notice delay (hours)").fill("24")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(f"{server.url}/admin/accountability/processors")
        assert page.get_by_role("cell", name="Cloud hosting").is_visible()
        page.get_by_role("link", name="End Hoster").click()
        page.get_by_label("Ended on").fill("2026-03-01")
        page.get_by_label("Reason for the end").fill("Contract terminated")
        page.get_by_role("button", name="Confirm the end").click()
        page.wait_for_url(f"{server.url}/admin/accountability/processors")
        assert page.get_by_role("heading", name="Ended processors").is_visible()
        assert page.get_by_role("cell", name="Contract terminated").is_visible()
        assert page.get_by_role("link", name="Edit Hoster").count() == 0
        page.close()


def test_def_sp1_add_form_refused_comes_back_with_input_and_french_errors(
    staffed: Garant,
) -> None:
    """DEF-SP1: the add form, refused, keeps what was typed and says what is wrong beside
    each field, in the reader's language; a name already in the register is refused there."""
    with TestClient(create_app(staffed), headers={"Accept-Language": "fr"}) as client:
        csrf = login(client, Role.DPO)
        add = "/admin/accountability/processors"
        bad = client.post(add, data={"csrf_token": csrf, "name": "Mailer", "countries": "U5",
                                     "tia_date": "demain"})  # fmt: skip
        assert bad.status_code == 422 and 'value="Mailer"' in bad.text
        errors = dict(re.findall(r'id="error-([\w.]+)" role="alert">([^<]+)<', bad.text))
        assert errors["tia_date"] == "Saisissez une date au format AAAA-MM-JJ."
        assert errors["countries"].startswith("les codes pays suivent l&#39;ISO 3166")
        taken = client.post(add, data={"csrf_token": csrf, "name": "Hoster"})
        assert taken.status_code == 422
        assert "un sous-traitant nommé « Hoster » figure déjà au registre" in taken.text
