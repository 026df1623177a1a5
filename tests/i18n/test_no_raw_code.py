"""French throughout, no raw code anywhere a person reads (issue 18).

Every page of the back office (walked as the DPO) and of the privacy center, every mail
sent on the way (the notice of a new policy version too), the printable letters and the
PDFs (breach register, dossier), in French and in English, for each example workspace: no
snake_case code of the model, no value of its enums shown as it is, no English message
left untranslated on a French page (a catalog's message, or English words that never
went through gettext), no UTC or ISO timestamp.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from garant.app import Garant
from tests.conftest import EXAMPLES
from tests.i18n.scan import problems, visible_text
from tests.i18n.walk import (
    Seeded,
    client_for,
    confirm_publication,
    fill,
    login,
    page_routes,
    pdf_text,
    preview_publication,
    seeded,
    walk,
)

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "policy.yaml").exists())
PUBLIC_STARTS = [
    "/privacy",
    "/privacy/notice",
    "/privacy/requests",
    "/privacy/consents",
    "/privacy/policy/versions",
    "/privacy/retention",
    "/privacy/breaches",
    "/cookies/demo",
    "/login",
    "/login/code",
]
ADMIN_STARTS = ["/admin"]


def _pdfs(breach: str) -> list[str]:
    return [
        "/api/breaches/export?format=pdf",
        "/api/accountability/dossier.pdf",
        f"/api/breaches/{breach}/notification?format=pdf",
    ]


def _pdf_problems(content: bytes, lang: str, where: str, tmp_path: Path) -> list[str]:
    """A PDF's lines; the register's "Reference" line is the organization's own identifier
    of an activity (the CNIL template's "Référence"), shown as written."""
    lines = pdf_text(content, tmp_path).splitlines()
    said = [line for line in lines if not line.strip().startswith(("Référence", "Reference"))]
    return problems(said, lang, where, printed=True)


DOWNLOAD = re.compile(r"/privacy/requests/download/\d+\?\S+")


def _mailed_downloads(garant: Garant) -> list[str]:
    """The download links of the replies in the outbox: a person opens their package from
    the mail (the status page shows it only in the browser that entered the code). The
    package is a ZIP of the person's own data as held, not a page: it is opened and read
    by the rights tests (tests/rights), the walk only follows the link."""
    from sqlalchemy import select

    from garant.mail.models import OutboxMessage
    from garant.mail.viewer import read_message

    with garant.unit_of_work() as uow:
        ids = list(uow.session.scalars(select(OutboxMessage.id)))
        bodies = [read_message(uow=uow, message_id=i).body_text for i in ids]
    return [link for body in bodies for link in DOWNLOAD.findall(body)]


def _personal(seed: Seeded) -> list[str]:
    """The pages a person reaches from elsewhere: their requests' status, the download of
    their package and one-click unsubscribe (from a mail), the information notice of each
    collection form."""
    pages = [f"/privacy/requests/status/{token}" for token in seed.follow]
    pages += _mailed_downloads(seed.garant)
    pages += [f"/privacy/forms/{form.id}" for form in seed.garant.policy.forms]  # linked from
    # the organization's own forms, not from Garant's pages
    return pages + ([f"/unsubscribe/{seed.unsubscribe}"] if seed.unsubscribe else [])


NOT_PAGES = {"/cookies/banner.js": "a script", "/cookies/status": "JSON for the banner"}


def _uncovered(visited: set[str], garant: Garant) -> list[str]:
    """GET routes of the pages no walk reached (a page nobody links to is still a page);
    a route the example has nothing for (no forms, no consent purposes) is not asked."""
    absent = set(NOT_PAGES)
    if not garant.policy.forms:
        absent.add("/privacy/forms/{form_id}")
    if not garant.policy.consent_purposes:
        absent.add("/unsubscribe/{token}")
    missing = []
    for route in (r for r in page_routes() if r.path not in absent):
        if not any(route.path_regex.match(path.split("?")[0]) for path in visited):
            missing.append(route.path)
    return missing


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_every_page_mail_letter_and_pdf_speaks_words_not_codes(
    make_garant: Callable[..., Garant], example: str, tmp_path: Path
) -> None:
    seed = seeded(make_garant, example)
    faults: list[str] = []
    visited: set[str] = set()
    with client_for(seed, "fr") as client:
        fill(seed, client)
    for lang in ("fr", "en"):
        with client_for(seed, lang) as client:
            for path, response in walk(client, PUBLIC_STARTS + _personal(seed)):
                visited.add(path)
                if "text/html" in response.headers.get("content-type", ""):
                    faults += problems(visible_text(response.text, lang), lang, f"{lang} {path}")
            login(client)
            for path, response in walk(client, ADMIN_STARTS):
                visited.add(path)
                kind = response.headers.get("content-type", "")
                where = f"{lang} {path}"
                if "text/html" in kind:
                    faults += problems(visible_text(response.text, lang), lang, where)
                elif "application/pdf" in kind:
                    faults += _pdf_problems(response.content, lang, where, tmp_path)
            preview = preview_publication(client)  # a POST: no link reaches it
            faults += problems(visible_text(preview, lang), lang, f"{lang} publication preview")
            if lang == "en":  # the notice of version 2 to the persons: mails to read
                confirm_publication(client, seed.garant, preview)
            client.headers["Authorization"] = f"Bearer {seed.token}"
            for path in _pdfs(seed.breach):
                response = client.get(path)
                assert response.status_code == 200, f"{path}: {response.status_code}"
                faults += _pdf_problems(response.content, lang, f"{lang} {path}", tmp_path)
    faults += _mail_faults(seed.garant)
    unique = sorted(set(faults))
    assert unique == [], f"{len(unique)} faults:\n" + "\n".join(unique)
    missing = _uncovered(visited, seed.garant)
    assert missing == [], f"pages the walk never reached: {missing}"


def _mail_faults(garant: Garant) -> list[str]:
    """Every mail in the outbox, read as the person reads it (subject and body)."""
    from sqlalchemy import select

    from garant.mail.models import OutboxMessage
    from garant.mail.viewer import read_message

    faults: list[str] = []
    with garant.unit_of_work() as uow:
        ids = list(uow.session.scalars(select(OutboxMessage.id)))
        for message_id in ids:
            mail = read_message(uow=uow, message_id=message_id)
            lines = [mail.summary.subject, *mail.body_text.splitlines()]
            where = f"mail {mail.summary.template}.{mail.summary.lang}"
            faults += problems([line for line in lines if line.strip()], mail.summary.lang, where)
    if not ids:
        faults.append("the walk sent no mail: nothing to read")
    return faults
