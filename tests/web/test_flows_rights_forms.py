"""The privacy center's form fitted to each right, in the page's language, keeping what was
typed; staff see who asked (audited); replies wait for review, then show on the status page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from garant.accounts.roles import Role
from garant.accounts.service import add_user
from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.demo import build_demo_data
from garant.mail.models import OutboxMessage
from garant.mail.sealed import open_mail
from garant.rights import review, service
from garant.rights.models import RightsRequest
from garant.web.app import create_app
from tests.rights.helpers import code_for
from tests.web.conftest import PASSWORD, csrf_of, staff_email

FORM = "/privacy/requests"


@pytest.fixture
def af(make_garant: Callable[..., Garant]) -> Garant:
    garant = make_garant(example="alliance-francaise")
    build_demo_data(garant, "alliance-francaise", persons=10)
    with garant.unit_of_work() as uow:
        for role in (Role.DPO, Role.AUDITOR):
            add_user(uow=uow, email=staff_email(role), role=role.value, password=PASSWORD)
    return garant


@pytest.fixture
def fr(af: Garant) -> Iterator[TestClient]:
    with TestClient(create_app(af), headers={"Accept-Language": "fr-FR"}) as client:
        yield client


def _post(client: TestClient, right: str, data: dict[str, str | list[str]]) -> object:
    token = csrf_of(client, f"{FORM}?type={right}")
    body = {"csrf_token": token, "type": right, "email": "ana@example.org"} | data
    return client.post(FORM, data=body, follow_redirects=False)


def _request(garant: Garant) -> RightsRequest:
    with garant.unit_of_work() as uow:
        return uow.session.scalars(select(RightsRequest)).one()


def test_the_list_offers_every_right_and_each_form_its_own_fields(fr: TestClient) -> None:
    listing = fr.get(FORM).text
    assert "Corriger mes données" in listing and "Geler l'utilisation de mes données" in listing
    rectification = fr.get(f"{FORM}?type=rectification").text
    assert 'name="change_field_1"' in rectification and 'name="change_value_1"' in rectification
    assert "Votre adresse" in rectification and "La valeur correcte" in rectification
    restriction = fr.get(f"{FORM}?type=restriction").text
    assert len(re.findall(r'name="restriction_ground"', restriction)) == 4  # Art. 18(1)(a)-(d)
    objection = fr.get(f"{FORM}?type=objection").text
    assert 'name="activities"' in objection and 'name="grounds"' in objection
    portability = fr.get(f"{FORM}?type=portability").text
    assert 'name="export_format"' in portability and 'name="destination_url"' in portability


def test_rectification_error_keeps_what_was_typed_and_speaks_french(fr: TestClient) -> None:
    page = fr.get(f"{FORM}?type=rectification").text
    field = re.findall(r'<option value="([^"]+)"', page)[1]
    response = _post(
        fr, "rectification", {"change_field_1": field, "message": "Mon nom est mal écrit"}
    )
    assert response.status_code == 422  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert "Indiquez la valeur correcte." in text
    assert "Mon nom est mal écrit" in text and "ana@example.org" in text
    assert f'<option value="{field}" selected>' in text
    assert "give the changes" not in text and "collection.field" not in text


def test_rectification_opens_with_the_data_and_the_correct_value(
    af: Garant, fr: TestClient
) -> None:
    field = re.findall(r'<option value="([^"]+)"', fr.get(f"{FORM}?type=rectification").text)[1]
    response = _post(fr, "rectification", {"change_field_1": field, "change_value_1": "Dupont"})
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    with af.unit_of_work() as uow:
        req = uow.session.scalars(select(RightsRequest)).one()
        assert service.personal(uow, req)["changes"] == {field: "Dupont"}


def test_restriction_needs_one_of_the_four_grounds(af: Garant, fr: TestClient) -> None:
    refused = _post(fr, "restriction", {})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Choisissez le motif du gel." in refused.text  # type: ignore[attr-defined]
    accepted = _post(fr, "restriction", {"restriction_ground": "accuracy_contested"})
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    assert _request(af).scope["restriction_ground"] == "accuracy_contested"


def test_objection_asks_a_situation_except_against_marketing(af: Garant, fr: TestClient) -> None:
    page = fr.get(f"{FORM}?type=objection").text
    interest = "service_improvement"  # legitimate interests in the AF policy
    assert f'value="{interest}"' in page
    refused = _post(fr, "objection", {"activities": [interest]})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "situation particulière" in refused.text  # type: ignore[attr-defined]
    assert "checked" in refused.text  # type: ignore[attr-defined]
    accepted = _post(
        fr, "objection", {"activities": [interest], "grounds": "Je ne souhaite plus être suivi"}
    )
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    assert _request(af).scope["activities"] == [interest]


def test_portability_takes_a_format_and_an_https_destination(af: Garant, fr: TestClient) -> None:
    refused = _post(fr, "portability", {"export_format": "csv", "destination_url": "ftp://x"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "https://" in refused.text and 'value="ftp://x"' in refused.text  # type: ignore[attr-defined]
    accepted = _post(fr, "portability", {"export_format": "csv"})
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    assert _request(af).scope["export_format"] == "csv"


def _login(client: TestClient, role: Role) -> None:
    token = csrf_of(client, "/login")
    data = {"email": staff_email(role), "password": PASSWORD, "csrf_token": token, "next": "/admin"}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def test_staff_see_who_asked_when_their_role_may_and_it_is_audited(
    af: Garant, fr: TestClient
) -> None:
    _post(fr, "erasure", {"message": "Merci d'effacer mon compte"})
    rid = _request(af).id
    with TestClient(create_app(af), headers={"Accept-Language": "en"}) as staff:
        _login(staff, Role.DPO)
        page = staff.get(f"/admin/rights/{rid}").text
        assert "ana@example.org" in page and "Merci d&#39;effacer mon compte" in page
        assert "Identity check" in page and "The person's history" in page
    with TestClient(create_app(af), headers={"Accept-Language": "en"}) as auditor:
        _login(auditor, Role.AUDITOR)
        page = auditor.get(f"/admin/rights/{rid}").text
        assert "ana@example.org" not in page and "effacer mon compte" not in page
    with af.unit_of_work() as uow:
        reads = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.read_personal")
        ).all()
    assert len(reads) == 1 and "ana@example.org" not in str(reads[0].details)


def test_a_reply_waits_for_review_then_goes_as_edited_and_shows_on_the_status_page(
    af: Garant, fr: TestClient
) -> None:
    response = _post(fr, "access", {})
    status_url = response.headers["location"]  # type: ignore[attr-defined]
    req = _request(af)
    # the person types the mailed code in this browser: the answer shows only here
    entered = fr.post(
        f"{status_url}/verify",
        data={"csrf_token": csrf_of(fr, status_url), "code": code_for(af, req.id)},
        follow_redirects=False,
    )
    assert entered.status_code == 303 and "error" not in entered.headers["location"]
    # nothing of Ana is held: the verified request is answered at once, and that reply
    # waits for staff review ([rights] review_replies) before it goes
    assert "Notre réponse" not in fr.get(status_url).text  # not shown before review
    with af.unit_of_work() as uow:
        draft = review.held(uow, req.id)
        assert draft is not None and draft.text
    with TestClient(create_app(af), headers={"Accept-Language": "en"}) as staff:
        _login(staff, Role.DPO)
        dashboard = staff.get("/admin").text
        assert "Replies waiting for your review" in dashboard
        assert f"/admin/rights/{req.id}#reply" in dashboard
        page = staff.get(f"/admin/rights/{req.id}").text
        assert "Reply waiting for your review" in page
        token = csrf_of(staff, f"/admin/rights/{req.id}")
        sent = staff.post(
            f"/admin/rights/{req.id}/reply/release",
            data={
                "csrf_token": token,
                "text": "Bonjour,\nvoici notre réponse relue.",
                "edited": "yes",
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303
    with af.unit_of_work() as uow:
        message = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "rights_reply")
        ).one()
        assert message.status == "queued"
        assert open_mail(uow.keys, message).body_text == "Bonjour,\nvoici notre réponse relue."
        assert review.held(uow, req.id) is None
    status_page = fr.get(status_url).text
    assert "Notre réponse" in status_page and "voici notre réponse relue." in status_page
