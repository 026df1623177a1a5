"""Publishing a policy version in Chromium on the demo organization (DEF-V1, issue 18):
the DPO reads the preview (the version, how many persons, the message in each language),
nothing is sent until they confirm, then every person gets the notice, read in the mail
viewer."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from garant.app import Garant
from garant.mail.models import OutboxMessage
from garant.policy.tables import PolicyVersion
from garant.policy.versions import publish
from tests.web.flows import demo_person, demo_workspace, running

pytestmark = pytest.mark.browser
TEMPLATE = "accountability_policy_change"


def _state(garant: Garant) -> tuple[int, int]:
    """(versions published, notices in the outbox)."""
    with garant.store.session() as session:
        versions = session.scalar(select(func.count()).select_from(PolicyVersion)) or 0
        notice = OutboxMessage.template == TEMPLATE
        notices = session.scalar(select(func.count()).select_from(OutboxMessage).where(notice))
    return int(versions), int(notices or 0)


def test_def_v1_publication_previewed_confirmed_and_told_in_the_browser(
    make_garant: Callable[..., Garant], browser: Any
) -> None:
    garant = demo_workspace(make_garant)
    email = demo_person(garant)["identities"]["email"]
    with garant.unit_of_work() as uow:
        publish(uow=uow, path=garant.policy_path, note="Première version")
    text = garant.policy_path.read_text(encoding="utf-8")
    garant.policy_path.write_text(text + "\n# relu en décembre\n", encoding="utf-8")
    garant.reload()
    with running(garant, browser, "policy-publication") as demo:
        page = demo.dpo
        demo.go(page, "/admin/policy", "policy")
        page.get_by_label("Ce qui a changé").fill("Les durées de conservation sont précisées.")
        page.get_by_role("button", name="Voir l'aperçu de la publication").click()
        page.wait_for_url(re.compile(r".*/admin/policy/publish$"))
        demo.shots(page, "preview")
        said = page.locator("#recipients").inner_text()
        found = re.search(r"(\d+) personne\(s\) recevront l'avis", said)
        assert found, said
        recipients = int(found.group(1))
        assert recipients >= 12  # every person of the demo database with an address
        mails = page.locator("section.mail-preview")
        assert mails.count() == 2  # French and English
        assert "Les durées de conservation sont précisées." in mails.first.inner_text()
        page.wait_for_timeout(1000)  # the worker runs meanwhile: a preview sends nothing
        assert _state(garant) == (1, 0)

        button = f"Publier la version 2 et informer {recipients} personne(s)"
        page.get_by_role("button", name=button).click()
        page.wait_for_url(re.compile(r".*/admin/policy\?published=2$"))
        demo.shots(page, "published")
        assert "La version 2 est publiée." in page.content()
        body = demo.read_mail(email, "a mis à jour sa politique")
        assert "nouvelle version (2)" in body
        assert "Les durées de conservation sont précisées." in body
    assert _state(garant) == (2, recipients)
