"""Consent flows in Chromium on the demo organization: the person manages their consents
after a mailed code (read in the mail viewer), and unsubscribes in one click from a
campaign mail (AF-C1, AF-M1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from garant.app import Garant
from garant.consent import center
from garant.consent.service import record
from garant.consent.unsubscribe import queue_campaign_mail
from tests.web.flows import demo_person, demo_workspace, running

pytestmark = pytest.mark.browser


def _given(garant: Garant, email: str, purpose: str) -> bool:
    with garant.unit_of_work() as uow:
        items = center.overview(uow=uow, email=email, lang="fr")
    return next(i for i in items if i["id"] == purpose)["given"]


def test_af_c1_consents_page_after_a_mailed_code(
    make_garant: Callable[..., Garant], browser: Any
) -> None:
    """AF-C1: the person proves their address, agrees to the newsletter, then withdraws."""
    garant = demo_workspace(make_garant)
    email = demo_person(garant)["identities"]["email"]
    with running(garant, browser, "consents") as demo:
        page = demo.person
        demo.go(page, "/privacy/consents", "address")
        page.locator("#email").fill(email)
        page.get_by_role("button", name="Envoyez-moi un code").click()
        demo.shots(page, "code")
        text = demo.read_mail(email, "gérer vos consentements")
        code = re.search(r"\b(\d{6,8})\b", text)
        assert code, text
        page.locator("#code").fill(code.group(1))
        page.get_by_role("button", name="Vérifier").click()
        page.wait_for_url(re.compile(r".*/privacy/consents$"))
        demo.shots(page, "consents")
        page.locator("#purpose-newsletter").get_by_role("button", name="J'accepte").click()
        demo.shots(page, "agreed")
        assert _given(garant, email, "newsletter")
        page.locator("#purpose-newsletter").get_by_role("button", name="Retirer").click()
        demo.shots(page, "withdrawn")
    assert not _given(garant, email, "newsletter")


def test_af_m1_unsubscribe_in_one_click_from_a_campaign_mail(
    make_garant: Callable[..., Garant], browser: Any
) -> None:
    """AF-M1: the link in the newsletter, read in the mail viewer, withdraws at one click."""
    garant = demo_workspace(make_garant)
    email = demo_person(garant)["identities"]["email"]
    with garant.unit_of_work() as uow:
        record(uow=uow, identity=("email", email), purpose="newsletter", given=True,
               source="form")  # fmt: skip
        queue_campaign_mail(
            uow=uow, identity=("email", email), purpose="newsletter", template="consent_campaign",
            lang="fr", key="newsletter:december",
            context={"subject": "Les cours de décembre", "body": "Nos nouveaux cours.",
                     "organization": "Alliance Française de Paris"},
        )  # fmt: skip
    with running(garant, browser, "unsubscribe") as demo:
        text = demo.read_mail(email, "Les cours de décembre")
        link = re.search(r"https?://[^/\s]+(/unsubscribe/\S+)", text)
        assert link, text
        page = demo.person
        page.goto(demo.url + link.group(1))  # queued before the server took its port
        demo.shots(page, "page")
        assert _given(garant, email, "newsletter")  # opening the page changes nothing
        page.get_by_role("button", name="Se désinscrire").click()
        demo.shots(page, "done")
    assert not _given(garant, email, "newsletter")
