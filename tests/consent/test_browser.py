"""A person in a browser: the cookie banner clicked through; the unsubscribe link from a
real mail followed."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from garant.app import Garant
from garant.consent import service, unsubscribe
from garant.consent.check import may_use
from garant.consent.models import CookieChoice
from garant.jobs.worker import run_due
from tests.conftest import SmtpSink, use_smtp

pytestmark = pytest.mark.browser
ANNE = ("email", "anne@example.org")


def _accepted(page: Any) -> str:
    # a locator, not wait_for_function: the page's CSP forbids evaluating strings
    expect(page.locator("#accepted")).not_to_have_text("…")
    return str(page.locator("#accepted").text_content())


def _ready(page: Any) -> None:
    expect(page.locator("#reopen")).to_be_visible()
    deadline = time.monotonic() + 10
    while not page.evaluate("!!(window.garantConsent && window.garantConsent.ready)"):
        assert time.monotonic() < deadline, "the banner script did not start"
        time.sleep(0.05)


def test_af_c3_cookie_banner_refuse_choose_and_remembered(
    sg: Garant, browser: Any, live_server: Any
) -> None:
    """AF-C3, AF-R4: refuse all is one click like accept all; the choice is remembered on the
    next visit (no banner); choose sets one category."""
    with live_server(sg) as server:
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.goto(f"{server.url}/cookies/demo")
        banner = page.get_by_role("dialog")
        banner.wait_for()
        assert page.get_by_role("button", name="Tout accepter").is_visible()
        page.get_by_role("button", name="Tout refuser").click()
        banner.wait_for(state="detached")
        assert _accepted(page) == "necessary"
        page.reload()
        _ready(page)
        assert page.get_by_role("dialog").count() == 0  # the refusal is remembered
        cookie = [c for c in context.cookies() if c["name"] == "garant_cookie_choice"][0]
        page.get_by_role("button", name="Paramétrer les cookies").click()
        page.get_by_role("button", name="Personnaliser").click()
        page.get_by_label("Mesure d'audience").check()
        page.get_by_role("button", name="Enregistrer mon choix").click()
        page.get_by_role("dialog").wait_for(state="detached")
        assert _accepted(page) == "necessary, measurement"
        context.close()
    with sg.unit_of_work() as uow:
        choices = uow.session.query(CookieChoice).order_by(CookieChoice.chosen_at).all()
        assert [c.accepted for c in choices] == [[], ["measurement"]]
        assert cookie["value"] == choices[0].id
        # The browser's cookie dies with the choice: 13 months from it, not more.
        assert abs(cookie["expires"] - choices[0].expires_at.timestamp()) < 2


def test_global_privacy_control_in_the_browser(sg: Garant, browser: Any, live_server: Any) -> None:
    """navigator.globalPrivacyControl: optional cookies refused, no banner to click."""
    with live_server(sg) as server:
        context = browser.new_context(locale="en-GB", extra_http_headers={"Sec-GPC": "1"})
        context.add_init_script(
            "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"
        )
        page = context.new_page()
        page.goto(f"{server.url}/cookies/demo")
        assert _accepted(page) == "necessary"
        assert page.get_by_role("dialog").count() == 0
        context.close()
    with sg.unit_of_work() as uow:
        choice = uow.session.query(CookieChoice).one()
        assert choice.gpc is True and choice.accepted == []


def test_af_m1_unsubscribe_link_from_a_real_mail(
    sg: Garant, browser: Any, live_server: Any, smtp_server: SmtpSink
) -> None:
    """AF-M1: the link in the mail opens a page that changes nothing; its button withdraws."""
    use_smtp(sg, smtp_server)
    with live_server(sg) as server:
        sg.settings.web.base_url = server.url
        with sg.unit_of_work() as uow:
            service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form")
            unsubscribe.queue_campaign_mail(
                uow=uow,
                identity=ANNE,
                purpose="newsletter",
                template="consent_campaign",
                lang="en",
                context={"subject": "News", "body": "Hello", "organization": "Test"},
                key="campaign:browser",
            )
        run_due(sg)
        mail = smtp_server.wait_for(1)[0]
        found = re.search(r"(http://\S+/unsubscribe/\S+)", mail.get_content())
        assert found is not None
        page = browser.new_page(locale="en-GB")
        page.goto(found.group(1))
        assert page.get_by_role("button", name="Unsubscribe").is_visible()
        with sg.unit_of_work() as uow:
            assert may_use(uow=uow, identity=ANNE, purpose="newsletter").allowed
        page.get_by_role("button", name="Unsubscribe").click()
        assert "no longer receive" in str(page.locator("#result").text_content())
        page.close()
    with sg.unit_of_work() as uow:
        assert not may_use(uow=uow, identity=ANNE, purpose="newsletter").allowed
