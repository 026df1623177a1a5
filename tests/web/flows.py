"""What the end-to-end flows share: the demo organization served with its worker and mail
catcher, a person's browser and a DPO's, mail read through the back office's viewer, and
screenshots of every page at 1280 and 390 px kept under ``test-artifacts/flows/``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from garant.accounts.service import add_user
from garant.app import Garant
from garant.demo import build_demo_data
from garant.demo.run import demo_services
from tests.conftest import LiveServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "flows"
DPO_EMAIL, DPO_PASSWORD = "dpo@demo.example", "correct horse battery staple"
WIDTHS = (1280, 390)


def demo_workspace(make_garant: Callable[..., Garant], persons: int = 12) -> Garant:
    """The Alliance Française example with its demo database and a DPO who can sign in."""
    garant = make_garant(example="alliance-francaise")
    build_demo_data(garant, "alliance-francaise", persons=persons)
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=DPO_EMAIL, role="dpo", password=DPO_PASSWORD)
    return garant


def demo_person(garant: Garant, index: int = 0) -> dict[str, Any]:
    """A person of the demo database, as the generator recorded them."""
    truth = garant.workspace / "demo" / "alliance-francaise.truth.json"
    persons: list[dict[str, Any]] = json.loads(truth.read_text())["persons"]
    with_learner = [p for p in persons if "learners" in p["owned"]]
    return with_learner[index]


@dataclass
class Shots:
    """Screenshots of each page at each width, named by flow and step."""

    flow: str
    taken: list[Path] = field(default_factory=list)

    def __call__(self, page: Any, step: str) -> None:
        folder = ARTIFACTS / self.flow
        folder.mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            target = folder / f"{len(self.taken) // 2 + 1:02d}-{step}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            self.taken.append(target)
        page.set_viewport_size(size)


@dataclass
class Demo:
    garant: Garant
    url: str
    person: Any
    dpo: Any
    shots: Shots

    def go(self, page: Any, path: str, step: str | None = None) -> None:
        page.goto(self.url + path)
        if step:
            self.shots(page, step)

    def read_mail(self, to: str, subject_has: str, timeout: float = 20.0) -> str:
        """The newest mail to ``to`` whose subject contains ``subject_has``, opened in the
        back office's viewer (waiting for the worker to queue it)."""
        page = self.dpo
        for _ in range(int(timeout / 0.5)):
            page.goto(f"{self.url}/admin/mail?to={to}")
            link = page.get_by_role("row").filter(has_text=subject_has).get_by_role("link")
            if link.count():
                link.first.click()
                self.shots(page, "mail")
                return str(page.locator("pre.mail-body").inner_text())
            page.wait_for_timeout(500)
        raise AssertionError(f"no mail to {to} about {subject_has!r} in the viewer")

    def wait_for(self, page: Any, path: str, text: str, timeout: float = 20.0) -> None:
        """Reload ``path`` until ``text`` shows (the worker runs in the background)."""
        for _ in range(int(timeout / 0.5)):
            page.goto(self.url + path)
            if text in page.content():
                return
            page.wait_for_timeout(500)
        raise AssertionError(f"{text!r} never showed on {path}")


@contextmanager
def running(garant: Garant, browser: Any, flow: str) -> Iterator[Demo]:
    """The demo served with its worker and catcher; a person's page and a signed-in DPO's."""
    with LiveServer(garant) as server, demo_services(garant, poll=0.2):
        garant.settings.web.base_url = server.url
        person = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        staff = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        dpo = staff.new_page()
        dpo.goto(f"{server.url}/login")
        dpo.get_by_label("Courriel").fill(DPO_EMAIL)
        dpo.get_by_label("Mot de passe").fill(DPO_PASSWORD)
        dpo.get_by_role("button", name="Se connecter").click()
        dpo.wait_for_url(re.compile(r".*/admin$"))
        try:
            yield Demo(garant, server.url, person.new_page(), dpo, Shots(flow))
        finally:
            person.close()
            staff.close()
