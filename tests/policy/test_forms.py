"""Forms (AF-C2, DEF-C1, AF-F1): a submission missing a mandatory field is refused,
naming the field and the consequence in the person's language; the form notice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.errors import InvalidInput, NotFound
from garant.policy.forms import check_submission, validate_submission
from garant.policy.models import Policy
from garant.web.app import create_app
from tests.policy.helpers import run


def test_af_c2_missing_mandatory_field_named_with_its_consequence_in_french(af: Policy) -> None:
    problems = check_submission(
        af.form("contact"), {"email": "a@b.fr", "message": "Bonjour"}, lang="fr"
    )
    assert [p.field for p in problems] == ["full_name"]
    assert problems[0].message == (
        "Nom est obligatoire. Sans votre nom, votre demande ne peut pas être traitée."
    )


def test_af_c2_the_same_in_english(af: Policy) -> None:
    with pytest.raises(InvalidInput) as err:
        validate_submission(af, "registration", {"first_name": "Ada"}, lang="en")
    said = str(err.value)
    assert "Last name is mandatory. Without your last name, your registration cannot" in said
    assert "French level is mandatory." in said
    assert "Phone" not in said  # optional, left blank


def test_af_c2_a_complete_submission_passes_and_formats_are_checked(af: Policy) -> None:
    good = {
        "first_name": "Ada",
        "last_name": "L",
        "email": "ada@example.org",
        "phone": "01 44 55 66 77",
        "level": "B1",
    }
    assert check_submission(af.form("registration"), good, lang="en") == []
    bad = good | {"email": "ada.example.org", "phone": "12"}
    messages = [p.message for p in check_submission(af.form("registration"), bad, lang="en")]
    assert messages == [
        "Email address: this is not a valid email address",
        "Phone: this is not a valid phone number",
    ]


def test_af_pd1_a_field_the_form_does_not_declare_is_refused(af: Policy) -> None:
    data = {"email": "a@b.fr", "birth_date": "1990-01-01"}
    problems = check_submission(af.form("newsletter"), data, lang="en")
    assert problems[0].field == "birth_date" and "without a purpose" in problems[0].message


def test_unknown_form_is_not_found(af: Policy) -> None:
    with pytest.raises(NotFound, match='no form "survey"'):
        validate_submission(af, "survey", {}, lang="en")


@pytest.fixture
def token_client(make_garant: Callable[..., Garant]) -> tuple[TestClient, str]:
    garant = make_garant(example="def-network")
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="web@def.example", role="privacy", password="a long password!")
        token = issue_token(uow=uow, email="web@def.example", name="website")
    return TestClient(create_app(garant)), token


def test_def_c1_api_validate_refuses_in_the_persons_language(
    token_client: tuple[TestClient, str],
) -> None:
    client, token = token_client
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/forms/event_registration/validate?lang=fr", json={"email": "x@y.fr"}, headers=auth
    )
    assert response.status_code == 422
    body = response.json()
    assert body["valid"] is False
    assert body["errors"] == [
        {
            "field": "full_name",
            "label": "Nom et prénom",
            "message": "Nom et prénom est obligatoire. Sans votre nom, votre inscription à "
            "l'événement ne peut pas être enregistrée.",
        }
    ]
    english = client.post(
        "/api/forms/event_registration/validate?lang=en", json={"email": "x@y.fr"}, headers=auth
    )
    assert "Full name is mandatory" in english.json()["errors"][0]["message"]
    ok = client.post(
        "/api/forms/event_registration/validate",
        json={"full_name": "Ada", "email": "x@y.fr"},
        headers=auth,
    )
    assert ok.status_code == 200 and ok.json() == {"valid": True, "errors": []}
    assert client.post("/api/forms/nope/validate", json={}, headers=auth).status_code == 404
    assert client.post("/api/forms/event_registration/validate", json={}).status_code == 401


def test_af_c2_form_notice_marks_mandatory_fields_with_an_asterisk(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant(example="alliance-francaise")
    code, out, _ = run(
        "form", "notice", "registration", "--workspace", str(garant.workspace), "--lang", "en"
    )
    assert code == 0
    assert "| First name * |" in out and "| Phone |" in out
    assert "Alliance Française de Paris collects this information" in out
    assert "contractual obligation" in out  # AF-F1
    assert "dpo@alliancefr.org" in out and "CNIL" in out
    code, out, _ = run(
        "form",
        "notice",
        "registration",
        "--workspace",
        str(garant.workspace),
        "--lang",
        "fr",
        "--format",
        "html",
    )
    assert code == 0 and '<article lang="fr">' in out and "Prénom *" in out


def test_cli_form_validate_exit_code(make_garant: Callable[..., Garant]) -> None:
    garant = make_garant(example="alliance-francaise")
    ws = str(garant.workspace)
    code, _, err = run(
        "form", "validate", "newsletter", "--data", "{}", "--workspace", ws, "--lang", "en"
    )
    assert code == 2 and "Email address is mandatory" in err and "Traceback" not in err
    code, out, _ = run(
        "form", "validate", "newsletter", "--data", '{"email": "a@b.org"}', "--workspace", ws
    )
    assert code == 0 and "valid" in out
    code, _, err = run("form", "validate", "newsletter", "--data", "{oops", "--workspace", ws)
    assert code == 2 and "--data is not JSON" in err
