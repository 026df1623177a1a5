"""A person submits and verifies a request in the privacy center (code read from the SMTP
server), and a DPO answers it in the back office (AF-X1, AF-D1, AF-D9)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from garant.accounts.service import add_user
from garant.app import Garant
from garant.jobs.worker import run_one
from tests.conftest import SmtpSink, use_smtp
from tests.rights.helpers import run_requests

pytestmark = pytest.mark.browser
PASSWORD = "dpo-password-" + "x" * 16


def _send_mail(garant: Garant) -> None:
    while run_one(garant, kinds=["mail.send"]):
        pass


def test_person_submits_verifies_and_dpo_answers(
    school_sqlite: Garant, browser: Any, live_server: Any, smtp_server: SmtpSink
) -> None:
    garant = school_sqlite
    use_smtp(garant, smtp_server)
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@ecole.example", role="dpo", password=PASSWORD)
    with live_server(garant) as server:
        person = browser.new_page(locale="en-GB")
        person.set_default_timeout(90_000)  # two shared cores: argon2 and the worker are slow
        person.goto(f"{server.url}/privacy/requests?type=access")  # the form of that right
        person.get_by_label("Your email address").fill("ada@example.org")
        person.get_by_role("button", name="Send my request").click()
        person.wait_for_url(re.compile(r".*/privacy/requests/status/.*"))
        status_url = person.url
        _send_mail(garant)
        messages = smtp_server.wait_for(2)
        code_mail = next(m for m in messages if "confirmation code" in str(m["Subject"]))
        code = re.findall(r"\b(\d{6})\b", code_mail.get_content())[0]
        person.get_by_label("Code received by email").fill(code)
        person.get_by_role("button", name="Confirm").click()
        assert person.locator("#status").inner_text() == "Identity checked"

        dpo = browser.new_page(locale="en-GB")
        dpo.set_default_timeout(90_000)
        dpo.goto(f"{server.url}/login")
        dpo.get_by_label("Email").fill("dpo@ecole.example")
        dpo.get_by_label("Password").fill(PASSWORD)
        dpo.get_by_role("button", name="Sign in").click()
        dpo.wait_for_url(f"{server.url}/admin")
        dpo.goto(f"{server.url}/admin/rights")
        dpo.get_by_role("link", name=re.compile(r"^\d+$")).first.click()
        assert dpo.get_by_role("heading", name="Timeline").is_visible()
        dpo.get_by_role("button", name="Accept the proposed decisions").click()
        assert dpo.locator("#status").inner_text() == "Decided"
        dpo.get_by_role("button", name="Carry out the decisions").click()
        run_requests(garant)
        _send_mail(garant)
        dpo.reload()
        assert dpo.locator("#status").inner_text() == "Answered"
        # the reply waits for review ([rights] review_replies), then goes as drafted
        dpo.get_by_role("button", name="Send the reply as drafted").click()
        _send_mail(garant)

        replies = [m for m in smtp_server.wait_for(3) if "Our answer" in str(m["Subject"])]
        text = replies[0].get_content()
        assert "CNIL" in text and "/privacy/requests/download/" in text
        person.goto(status_url)
        assert person.locator("#status").inner_text() == "Answered"
        with person.expect_download() as download:
            person.get_by_role("link", name="Download your data").click()
        assert download.value.suggested_filename.endswith(".zip")
        person.close()
        dpo.close()
