"""A person reads the notice in both languages; the DPO opens the register behind login."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from garant.accounts.service import add_user
from garant.app import Garant

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_notice_in_both_languages_and_the_register_behind_login(
    make_garant: Callable[..., Garant], browser: Any, live_server: Any
) -> None:
    """AF-K1, AF-D9 in the page a visitor reads; DEF-A1 register for staff only."""
    garant = make_garant(example="def-network")
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@def.example", role="dpo", password=PASSWORD)
    with live_server(garant) as server:
        page = browser.new_page(locale="en-GB")
        page.goto(f"{server.url}/privacy/notice?lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Privacy notice", level=1).is_visible()
        assert page.get_by_role("heading", name="Your rights and how to exercise them").is_visible()
        assert page.get_by_role("heading", name="Cookies", exact=True).is_visible()
        page.get_by_role("link", name="Français").click()
        page.wait_for_url("**lang=fr")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role(
            "heading", name="Politique de confidentialité", level=1
        ).is_visible()
        assert page.get_by_role("heading", name="Vos droits et comment les exercer").is_visible()

        page.goto(f"{server.url}/admin/register?lang=en")
        assert "/login" in page.url
        page.get_by_label("Email").fill("dpo@def.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/admin**")
        page.goto(f"{server.url}/admin/register?lang=en")
        assert page.get_by_role("heading", name="Register of processing activities").is_visible()
        assert page.get_by_role("heading", name="File processing (customers)").is_visible()
        page.get_by_label("Entity").select_option("def-events")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**entity=def-events**")
        assert page.get_by_role("heading", name="Event management (events)").is_visible()
        assert page.get_by_role("heading", name="File processing (customers)").count() == 0
        page.close()
