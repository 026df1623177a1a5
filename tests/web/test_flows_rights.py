"""Rights flows walked end to end in Chromium on the demo organization, with its worker and
mail catcher running and every mail read through the back office's viewer (AF-D1...)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from garant.app import Garant
from tests.web.flows import Demo, demo_person, demo_workspace, running

pytestmark = pytest.mark.browser


def _ask(demo: Demo, right_title: str, email: str, fill: Callable[[Any], None]) -> str:
    """The person chooses the right, fills its form and sends it; the status page's path."""
    page = demo.person
    demo.go(page, "/privacy/requests", "rights")
    page.get_by_role("link", name=right_title).click()
    page.get_by_label("Votre adresse e-mail").fill(email)
    fill(page)
    demo.shots(page, "form")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(re.compile(r".*/privacy/requests/status/.+"))
    demo.shots(page, "status")
    return str(page.url).removeprefix(demo.url)


def _confirm_identity(demo: Demo, email: str, status: str) -> None:
    """The code mailed to the person, read in the viewer, typed on the status page."""
    text = demo.read_mail(email, "code de confirmation")
    code = re.search(r"\b(\d{6,8})\b", text)
    assert code, text
    page = demo.person
    page.goto(demo.url + status)
    page.get_by_label("Code reçu par e-mail").fill(code.group(1))
    page.get_by_role("button", name="Confirmer", exact=True).click()
    demo.shots(page, "confirmed")


def _staff_answer(demo: Demo, request_id: str) -> None:
    """The DPO accepts the proposed decisions, has them carried out, reviews the reply."""
    page = demo.dpo
    demo.go(page, f"/admin/rights/{request_id}", "staff-request")
    accept = page.get_by_role("button", name="Accepter les décisions proposées")
    if accept.count():
        accept.click()
    run = page.get_by_role("button", name="Exécuter les décisions")
    if run.count():
        run.click()
    demo.wait_for(page, f"/admin/rights/{request_id}", "Réponse en attente de votre relecture")
    demo.shots(page, "reply-review")
    page.get_by_role("button", name="Envoyer la réponse telle quelle").click()


def test_af_d1_access_end_to_end(make_garant: Callable[..., Garant], browser: Any) -> None:
    """AF-D1: ask, confirm by the mailed code, staff answer, the person downloads the package."""
    garant = demo_workspace(make_garant)
    email = demo_person(garant)["identities"]["email"]
    with running(garant, browser, "access") as demo:
        status = _ask(demo, "Obtenir une copie de mes données", email, lambda page: None)
        _confirm_identity(demo, email, status)
        request_id = status.split("/")[-1]
        number = re.search(r"#(\d+)", demo.person.content())
        assert number
        _staff_answer(demo, number.group(1))
        reply = demo.read_mail(email, "Notre réponse")
        assert "/privacy/requests/download/" in reply
        demo.wait_for(demo.person, status, "Notre réponse")
        demo.shots(demo.person, "answered")
        with demo.person.expect_download() as download:
            demo.person.get_by_role("link", name="Télécharger vos données").click()
        assert download.value.suggested_filename.endswith(".zip")
        assert request_id
