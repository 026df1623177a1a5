"""Use cases of the policy feature, shared by the CLI, the API and the web pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from garant.clock import local_date
from garant.errors import GarantError, InvalidInput
from garant.policy import versions
from garant.policy.document import Document, to_html, to_markdown
from garant.policy.lint import Finding, check_policy
from garant.policy.loader import policy_from_document
from garant.policy.notice import build_notice
from garant.policy.promises import PromiseStatus, load_catalog, promise_report
from garant.sourcefile import load_document

if TYPE_CHECKING:
    from garant.app import Garant

NOTICE_FORMATS = ("html", "md")


def _systems(garant: Garant) -> list[tuple[str, str | None]] | None:
    """The data map's systems and where each is hosted, when the map loads (AF-T1)."""
    try:
        return [(s.id, s.hosting_country) for s in garant.datamap.systems]
    except (GarantError, OSError):
        return None


def run_check(garant: Garant) -> list[Finding]:
    """Lint the workspace's policy file against the last published version and the map."""
    doc = load_document(garant.policy_path)
    policy = policy_from_document(doc)
    with garant.unit_of_work() as uow:
        previous = versions.previous_policy(uow)
    day = local_date(garant.clock.now(), garant.timezone)
    return check_policy(policy, previous=previous, systems=_systems(garant), doc=doc, day=day)


def run_promises(
    garant: Garant,
    *,
    tests_dir: Path | None,
    prefix: str | None = None,
    catalog: Path | None = None,
) -> list[PromiseStatus]:
    doc = load_document(garant.policy_path)
    return promise_report(
        doc, catalog=load_catalog(catalog) if catalog else None, prefix=prefix, tests_dir=tests_dir
    )


def current_version(garant: Garant) -> tuple[int, date] | None:
    """The last published version's number and local date, if any."""
    with garant.unit_of_work() as uow:
        last = versions.latest(uow)
        if last is None:
            return None
        return last.number, local_date(last.published_at, garant.timezone)


def render(doc: Document, fmt: str) -> str:
    if fmt not in NOTICE_FORMATS:
        raise InvalidInput(f'unknown format "{fmt}" (choose from html, md)')
    return to_html(doc) if fmt == "html" else to_markdown(doc)


def notice_text(garant: Garant, *, lang: str, fmt: str) -> str:
    if lang not in ("fr", "en"):
        raise InvalidInput(f'unknown language "{lang}" (choose from fr, en)')
    return render(build_notice(garant.policy, lang, version=current_version(garant)), fmt)
