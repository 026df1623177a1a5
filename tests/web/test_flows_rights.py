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
    objection = page.get_by_role("button", name="Enregistrer ces décisions")
    accept = page.get_by_role("button", name="Accepter les décisions proposées")
    if objection.count():  # Art. 21(1): staff decide each use objected to
        page.get_by_label("Explication pour la personne").first.fill("Nous cessons cet usage.")
        objection.click()
    elif accept.count():
        accept.click()
    run = page.get_by_role("button", name="Exécuter les décisions")
    if run.count():
        run.click()
    demo.shots(page, "staff-decided")
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


def _walk(demo: Demo, title: str, email: str, fill: Callable[[Any], None]) -> str:
    """Ask, confirm, have staff answer; the status page's path once the answer shows."""
    status = _ask(demo, title, email, fill)
    _confirm_identity(demo, email, status)
    number = re.search(r"#(\d+)", demo.person.content())
    assert number
    _staff_answer(demo, number.group(1))
    assert demo.read_mail(email, "Notre réponse")
    demo.wait_for(demo.person, status, "Notre réponse")
    demo.shots(demo.person, "answered")
    return status


def _rows(garant: Garant, table: str, email: str) -> list[dict[str, Any]]:
    """The demo database's rows of ``table`` for this email address."""
    from sqlalchemy import MetaData, Table, create_engine, select

    engine = create_engine(f"sqlite:///{garant.workspace / 'demo' / 'alliance-francaise.db'}")
    try:
        rows = Table(table, MetaData(), autoload_with=engine)
        with engine.connect() as conn:
            query = select(rows).where(rows.c.email == email)
            return [dict(r) for r in conn.execute(query).mappings()]
    finally:
        engine.dispose()


def _learner(garant: Garant, email: str) -> dict[str, Any]:
    rows = _rows(garant, "learners", email)
    return rows[0] if rows else {}


def test_af_d3_erasure_end_to_end(make_garant: Callable[..., Garant], browser: Any) -> None:
    """AF-D3: the learner's record is gone or kept under a legal duty, and the reply says so."""
    garant = demo_workspace(make_garant)
    email = demo_person(garant, 1)["identities"]["email"]
    with running(garant, browser, "erasure") as demo:
        _walk(demo, "Effacer mes données", email, lambda page: None)
        answer = demo.person.locator("#answer + div").inner_text()
    # what the reply says is what the data became: the newsletter erased, the learner of a
    # current course kept for the contract, and said so
    assert "Lettre d'information : effacées" in answer
    assert _rows(garant, "newsletter_subscribers", email) == []
    assert "encore nécessaires à un contrat en cours" in answer
    assert _learner(garant, email)["email"] == email


def test_af_d2_rectification_end_to_end(make_garant: Callable[..., Garant], browser: Any) -> None:
    """AF-D2: the person names the data and the correct value; the database holds it."""
    garant = demo_workspace(make_garant)
    email = demo_person(garant, 2)["identities"]["email"]

    def fill(page: Any) -> None:
        page.locator("#change_field_1").select_option("af.learners.last_name")
        page.locator("#change_value_1").fill("Dupont-Corrigé")

    with running(garant, browser, "rectification") as demo:
        _walk(demo, "Corriger mes données", email, fill)
    assert _learner(garant, email)["last_name"] == "Dupont-Corrigé"


def test_af_d6_restriction_end_to_end(make_garant: Callable[..., Garant], browser: Any) -> None:
    """AF-D6: one of the four grounds of Art. 18(1), and the restriction is recorded."""
    from garant.rights import restriction

    garant = demo_workspace(make_garant)
    email = demo_person(garant, 3)["identities"]["email"]

    def fill(page: Any) -> None:
        page.get_by_label(re.compile("Vous contestez l'exactitude")).check()

    with running(garant, browser, "restriction") as demo:
        status = _walk(demo, "Geler l'utilisation de mes données", email, fill)
        assert status
    with garant.unit_of_work() as uow:
        assert restriction.for_request(uow, 1)


def test_af_d5_objection_end_to_end(make_garant: Callable[..., Garant], browser: Any) -> None:
    """AF-D5: the person objects to a use based on legitimate interest, with their situation."""
    garant = demo_workspace(make_garant)
    email = demo_person(garant, 4)["identities"]["email"]

    def fill(page: Any) -> None:
        page.locator("#act-service_improvement").check()
        page.get_by_label(re.compile("Votre situation particulière")).fill(
            "Je ne souhaite plus que mes usages soient analysés."
        )

    with running(garant, browser, "objection") as demo:
        _walk(demo, "M'opposer à une utilisation de mes données", email, fill)


def test_af_d4_portability_end_to_end(make_garant: Callable[..., Garant], browser: Any) -> None:
    """AF-D4: CSV chosen; the package downloads from the status page."""
    garant = demo_workspace(make_garant)
    email = demo_person(garant, 5)["identities"]["email"]

    def fill(page: Any) -> None:
        page.get_by_label("CSV (pour un tableur)").check()

    with running(garant, browser, "portability") as demo:
        _walk(demo, "Récupérer mes données pour les emporter ailleurs", email, fill)
        with demo.person.expect_download() as download:
            demo.person.get_by_role("link", name="Télécharger vos données").click()
        assert download.value.suggested_filename.endswith(".zip")
