"""The identity-document path in Chromium (issue 14): staff switch a pending code to a
document, the person uploads it, staff see it (audited) and decide; the file is then gone."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from garant.accounts.service import add_user
from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.rights.models import IdentityCheck

pytestmark = pytest.mark.browser
PASSWORD = "dpo-password-" + "x" * 16
VERIFIED = ("verified", "identity checked")
"""The state's code, or its words where the back office shows words."""


def _png() -> bytes:
    """A real one-pixel PNG (the upload is judged by its bytes, not its name)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _login(browser: Any, url: str, email: str) -> Any:
    page = browser.new_page(locale="en-GB")
    page.set_default_timeout(90_000)  # two shared cores: argon2 is slow
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/admin")
    return page


def test_document_path_switch_upload_view_decide(
    school_sqlite: Garant, browser: Any, live_server: Any, tmp_path: Any
) -> None:
    garant = school_sqlite
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@ecole.example", role="dpo", password=PASSWORD)
        add_user(uow=uow, email="audit@ecole.example", role="auditor", password=PASSWORD)
    fake, real = tmp_path / "passport.png", tmp_path / "scan.png"
    fake.write_bytes(b"<script>alert(1)</script> not an image")
    real.write_bytes(_png())
    with live_server(garant) as server:
        opened = httpx.post(
            f"{server.url}/api/public/rights/requests",
            json={"type": "access", "identities": {"email": "ada@example.org"}, "lang": "en"},
            timeout=60,
        )
        token = opened.json()["follow_token"]
        status_url = f"{server.url}/privacy/requests/status/{token}"
        rid = int(httpx.get(f"{server.url}/api/public/rights/requests/status",
                            params={"token": token}).json()["id"])  # fmt: skip

        dpo = _login(browser, server.url, "dpo@ecole.example")
        dpo.goto(f"{server.url}/admin/rights/{rid}")
        dpo.get_by_role("button", name="Ask for an identity document instead").click()
        assert "document · pending" in dpo.locator("#identity-checks").inner_text().lower()

        person = browser.new_page(locale="en-GB")
        person.set_default_timeout(90_000)
        person.goto(status_url)
        assert not person.get_by_label("Code received by email").is_visible()
        person.get_by_label("Document").select_option("passport")
        person.get_by_label("File").set_input_files(str(fake))
        person.get_by_role("button", name="Send the document").click()
        assert person.get_by_text("We could not take this file").is_visible()
        person.get_by_label("Document").select_option("passport")
        person.get_by_label("File").set_input_files(str(real))
        person.get_by_role("button", name="Send the document").click()
        assert person.locator("#document-sent").is_visible()

        dpo.reload()
        link = dpo.get_by_role("link", name="See the document")
        href = link.get_attribute("href")
        assert href is not None
        seen = dpo.request.get(f"{server.url}{href}")
        assert seen.status == 200 and seen.headers["content-type"] == "image/png"
        assert seen.body() == _png() and "no-store" in seen.headers["cache-control"]

        auditor = _login(browser, server.url, "audit@ecole.example")
        assert auditor.request.get(f"{server.url}{href}").status == 403

        dpo.get_by_label(re.compile("Note on the proof")).fill("photo matches the learner")
        dpo.get_by_role("button", name="Identity confirmed").click()
        assert dpo.locator("#status").inner_text().lower() in VERIFIED
        assert dpo.get_by_role("link", name="See the document").count() == 0
        person.reload()
        assert person.locator("#status").inner_text().lower() in VERIFIED
        for page in (person, dpo, auditor):
            page.close()
    with garant.unit_of_work() as uow:
        checks = uow.session.scalars(
            select(IdentityCheck).where(IdentityCheck.request_id == rid).order_by(IdentityCheck.id)
        ).all()
        viewed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.identity_document_viewed")
        ).all()
    assert [(c.method, c.status) for c in checks] == [
        ("email_code", "superseded"),
        ("document", "passed"),
    ]
    assert checks[1].document is None and checks[1].document_deleted_at is not None
    assert len(viewed) == 1 and viewed[0].actor == "staff:dpo@ecole.example"
