"""The guided assessment form asks every fact the API and the CLI take (AF-B1).

`recipient_known` (EDPB Guidelines 01/2021 case 13) and `insider` (case 08) were only in
the API and the CLI: the form could not say them, so a mistaken parcel was notified and an
ex-employee's copy of a customer list was treated as data stolen for fraud. Each test
posts the form as a person would and compares the outcome with the API's for the same
facts.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from garant.app import Garant
from garant.web.app import create_app
from tests.breaches.conftest import PASSWORD
from tests.breaches.scenarios import CASES


def _login(client: TestClient) -> str:
    """Signs the DPO in and returns a CSRF token of the back office."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={"email": "dpo@staff.example", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/breaches/new").text)
    assert token
    return token.group(1)


def _record(client: TestClient, csrf: str, title: str) -> str:
    form = {"title": title, "nature": ["confidentiality"], "aware_at": "2026-03-02T10:00"}
    made = client.post("/admin/breaches/new", data=form | {"csrf_token": csrf})
    assert made.status_code == 200, made.text
    return str(made.url.path)


def _form(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts as the browser posts them: ticked boxes say "on", unticked ones nothing."""
    form: dict[str, Any] = {}
    for name, value in facts.items():
        if value is True:
            form[name] = "on"
        elif isinstance(value, list):
            form[name] = value
        elif value is not False and value is not None:
            form[name] = str(value)
    return form


def _outcome(page: str) -> str:
    found = re.search(r'<p id="risk">(.*?)</p>', page, re.S)
    assert found, "no assessment on the breach page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def _assess(client: TestClient, csrf: str, where: str, facts: dict[str, Any]) -> str:
    posted = client.post(f"{where}/assess", data=_form(facts) | {"csrf_token": csrf})
    assert posted.status_code == 200 and posted.url.path == where, posted.text
    return _outcome(posted.text)


def _api(client: TestClient, token: str, facts: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(
        "/api/breaches/assess?lang=en", json=facts, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _words(api: dict[str, Any]) -> str:
    yes_no = {True: "yes", False: "no"}
    return (
        f"Risk: {api['risk']} · notify the authority: {yes_no[api['notify_authority']]} · "
        f"inform the persons: {yes_no[api['inform_persons']]}"
    )


@pytest.mark.parametrize(
    ("case", "flag", "with_flag", "without_flag"),
    [
        # case 13: the swapped parcels, returned; without the fact, a readable disclosure
        ("13", "recipient_known", "none", "risk"),
        # case 08: an employee's copy of the customer list; without it, case 05's theft
        ("08", "insider", "risk", "high"),
    ],
)
def test_af_b1_form_facts_change_the_assessment_as_the_api_does(
    staffed_dpo: Garant,
    api_tokens: dict[str, str],
    case: str,
    flag: str,
    with_flag: str,
    without_flag: str,
) -> None:
    client = TestClient(create_app(staffed_dpo), headers={"Accept-Language": "en"})
    csrf = _login(client)
    facts = dict(CASES[case]["facts"])
    assert facts[flag] is True
    unticked = facts | {flag: False}

    api_with = _api(client, api_tokens["privacy"], facts)
    api_without = _api(client, api_tokens["privacy"], unticked)
    assert (api_with["risk"], api_without["risk"]) == (with_flag, without_flag)

    ticked_page = _record(client, csrf, f"Case {case} ticked")
    plain_page = _record(client, csrf, f"Case {case} unticked")
    assert _assess(client, csrf, ticked_page, facts) == _words(api_with)
    assert _assess(client, csrf, plain_page, unticked) == _words(api_without)


def test_af_b1_form_asks_the_facts_with_labels_hints_and_keeps_them_on_error(
    staffed_dpo: Garant,
) -> None:
    client = TestClient(create_app(staffed_dpo), headers={"Accept-Language": "en"})
    csrf = _login(client)
    where = _record(client, csrf, "Parcels swapped")
    page = client.get(f"{where}/assess").text
    for name in ("insider", "recipient_known"):
        label = page.find(f'<label for="{name}">')
        box = re.search(rf'<input type="checkbox" id="{name}" name="{name}"[^>]*>', page)
        assert box and 0 <= label < box.start(), f"{name}: no label above its box"
        assert f'aria-describedby="{name}-hint"' in box.group(0)
        assert "checked" not in box.group(0)
        assert f'<small class="hint" id="{name}-hint">EDPB Guidelines 01/2021, case' in page

    wrong = _form(CASES["13"]["facts"] | {"insider": True, "persons": "-3"})
    refused = client.post(f"{where}/assess", data=wrong | {"csrf_token": csrf})
    assert refused.status_code == 422
    assert 'role="alert"' in refused.text
    for name in ("insider", "recipient_known", "recovered_or_deleted"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', refused.text)
        assert box and "checked" in box.group(0), f"{name} lost on error"
    assert "Not assessed yet." in client.get(where).text

    french = html.unescape(client.get(f"{where}/assess?lang=fr").text)
    assert "Le destinataire est identifié (un client qui a reçu le colis d'un autre)" in french
    assert "Prises par une personne interne (un salarié ou ancien salarié)" in french
    assert "Lignes directrices 01/2021 du CEPD, cas 13" in french
