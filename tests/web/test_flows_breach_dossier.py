"""Back-office flows in Chromium on the demo organization: a breach's communication to the
persons previewed then confirmed, the mail read in the viewer (AF-B3); the accountability
dossier opened and downloaded."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from garant.app import Garant
from tests.breaches.conftest import record
from tests.web.flows import demo_person, demo_workspace, running

pytestmark = pytest.mark.browser


def test_af_b3_breach_communication_preview_then_confirm(
    make_garant: Callable[..., Garant], browser: Any
) -> None:
    """AF-B3: how many and what, in each language, before anything is queued."""
    garant = demo_workspace(make_garant, persons=8)
    breach = record(garant, datetime(2026, 3, 2, 8, tzinfo=UTC), systems=["af.learners"])
    email = demo_person(garant)["identities"]["email"]
    with running(garant, browser, "breach") as demo:
        page = demo.dpo
        demo.go(page, f"/admin/breaches/{breach.reference}", "breach")
        page.get_by_role("button", name="Voir le message aux personnes avant l'envoi").click()
        page.wait_for_url(re.compile(r".*/communicate/preview$"))
        demo.shots(page, "preview")
        assert "8 personne(s) recevront ce message par courriel." in page.content()
        assert page.get_by_role("heading", name="Le message en français").is_visible()
        assert page.get_by_role("heading", name="Le message en anglais").is_visible()
        page.get_by_role("button", name="Envoyer à 8 personne(s)").click()
        page.wait_for_url(re.compile(rf".*/admin/breaches/{breach.reference}$"))
        demo.shots(page, "informed")
        text = demo.read_mail(email, "un incident de sécurité concerne vos données")
        assert "Alliance Française de Paris" in text


def test_dossier_is_opened_and_downloaded(make_garant: Callable[..., Garant], browser: Any) -> None:
    """The accountability dossier for the authority: the page, then the PDF."""
    garant = demo_workspace(make_garant, persons=4)
    with running(garant, browser, "dossier") as demo:
        page = demo.dpo
        demo.go(page, "/admin/accountability/dossier", "dossier")
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("link", name="Télécharger le PDF").click()
        path = download.value.path()
        assert path is not None and path.read_bytes().startswith(b"%PDF")
        page.get_by_role("link", name="Ouvrir comme page web").click()
        demo.shots(page, "dossier-html")
        assert page.locator("h1").count() >= 1
