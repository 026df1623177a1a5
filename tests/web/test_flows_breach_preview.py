"""AF-B3: informing the persons of a breach is previewed (how many, the message in each
language, what the assessment advised) and confirmed; one click no longer mails everyone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from garant.accounts.roles import Role
from garant.accounts.service import add_user
from garant.app import Garant
from garant.demo import build_demo_data
from garant.mail.models import OutboxMessage
from garant.web.app import create_app
from tests.breaches.conftest import record
from tests.web.conftest import PASSWORD, csrf_of, staff_email


def _outbox(garant: Garant) -> int:
    with garant.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def test_af_b3_breach_communication_is_previewed_then_confirmed(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant(example="alliance-francaise")
    build_demo_data(garant, "alliance-francaise", persons=12)
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=staff_email(Role.DPO), role="dpo", password=PASSWORD)
    breach = record(garant, datetime(2026, 3, 2, 8, tzinfo=UTC), systems=["af.learners"])
    ref = breach.reference
    with TestClient(create_app(garant), headers={"Accept-Language": "fr-FR"}) as client:
        token = csrf_of(client, "/login")
        client.post(
            "/login",
            data={"email": staff_email(Role.DPO), "password": PASSWORD, "csrf_token": token},
        )
        page = client.get(f"/admin/breaches/{ref}").text
        assert f"/admin/breaches/{ref}/communicate/preview" in page
        token = csrf_of(client, f"/admin/breaches/{ref}")
        # the old one-click post is refused without a confirmation
        direct = client.post(f"/admin/breaches/{ref}/communicate", data={"csrf_token": token})
        assert direct.status_code == 422 and _outbox(garant) == 0
        preview = client.post(
            f"/admin/breaches/{ref}/communicate/preview", data={"csrf_token": token}
        )
        assert preview.status_code == 200
        text = preview.text
        assert "12 personne(s) recevront ce message par courriel." in text
        assert "Le message en français" in text and "Le message en anglais" in text
        assert "pas encore été évaluée" in text  # not assessed: the page says so
        assert _outbox(garant) == 0  # a preview sends nothing
        sent = client.post(
            f"/admin/breaches/{ref}/communicate",
            data={"csrf_token": token, "confirmed": "yes", "identities": "", "lang": "fr"},
            follow_redirects=False,
        )
        assert sent.status_code == 303
    assert _outbox(garant) == 12
