"""The accountability dossier (AF-A1, DEF-A1): everything the authority may ask for, in one
document, each figure followed by the records it counts.

Sections gather data here; ``dossier_html`` lays them out; WeasyPrint makes the PDF.
A section whose feature has no table or no rows says so instead of failing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from garant.accountability import records, sources
from garant.accountability.check_runner import run_checks, trend
from garant.accountability.models import CheckRun
from garant.clock import local_date
from garant.dpia.service import describe as describe_dpia
from garant.dpia.service import list_dpias
from garant.i18n import gettext as _
from garant.i18n import language
from garant.processors.service import describe as describe_processor
from garant.processors.service import list_processors, policy_processors
from garant.store.uow import SYSTEM, Actor, UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant


@dataclass
class Section:
    key: str
    title: str
    source: str
    data: dict[str, Any] = field(default_factory=dict)
    empty: bool = False


def register_section(uow: UnitOfWork) -> Section:
    lang = uow.garant.policy.languages[0] if uow.garant.policy.languages else "fr"
    rows = []
    for a in sources.activities(uow):
        rows.append({
            "id": sources.get(a, "id"), "name": sources.text(sources.get(a, "name"), lang),
            "purposes": "; ".join(sources.text(p, lang) for p in sources.get(a, "purposes", [])),
            "legal_basis": sources.get(a, "legal_basis", ""),
            "data": ", ".join(map(str, sources.get(a, "data_categories", []))),
            "recipients": ", ".join(map(str, sources.get(a, "recipients", []))),
            "processors": ", ".join(map(str, sources.get(a, "processors", []))),
            "transfers": "; ".join(
                f"{sources.get(t, 'country')} ({sources.get(t, 'recipient')}, "
                f"{sources.get(t, 'mechanism')})" for t in sources.get(a, "transfers", []) or []),
            "retention": sources.get(a, "retention", ""),
        })  # fmt: skip
    return Section("register", _("Register of processing activities"), "policy.yaml",
                   {"rows": rows}, not rows)  # fmt: skip


def policy_versions_section(uow: UnitOfWork) -> Section:
    t = sources.table(uow, "policy_versions", "number")
    rows = sources.rows(uow, t, "number", "published_at", "published_by", "summary", "sha256") if (
        t is not None) else []  # fmt: skip
    return Section("policy_versions", _("Policy versions"), "policy_versions",
                   {"rows": sorted(rows, key=lambda r: r["number"])}, not rows)  # fmt: skip


def security_section(uow: UnitOfWork) -> Section:
    """The measures now, then as each published version declared them (DEF-SEC2)."""
    current = sources.security_measures(uow)
    history = [
        {"version": label, "measures": ", ".join(f"{m} ({strength})" for m, (strength, _r)
                                                 in sorted(measures.items()))}
        for label, measures in sources.published_measures(uow)
    ]  # fmt: skip
    if not history:
        runs = uow.session.scalars(select(CheckRun).order_by(CheckRun.id))
        previous: list[str] | None = None
        for run in runs:
            measures = sorted(run.measures or [])
            if measures != previous:
                history.append({"version": f"check run #{run.id} ({run.run_at:%Y-%m-%d})",
                                "measures": ", ".join(measures)})  # fmt: skip
                previous = measures
    return Section("security", _("Security measures and their history"),
                   "policy.yaml, policy_versions", {"current": current, "history": history},
                   not current and not history)  # fmt: skip


def processors_section(uow: UnitOfWork) -> Section:
    """The register, and what the policy declares that was not synced into it yet."""
    registered = list_processors(uow=uow)
    names = {p.name for p in registered}
    declared = [p for p in policy_processors(uow) if p.name not in names]
    rows = [describe_processor(uow=uow, processor=p) for p in registered + declared]
    return Section("processors", _("Processors and transfers"),
                   "processor_processors, policy.yaml", {"rows": rows}, not rows)  # fmt: skip


def dpia_section(uow: UnitOfWork) -> Section:
    rows = [describe_dpia(d) for d in list_dpias(uow=uow)]
    return Section("dpias", _("Data protection impact assessments"), "dpia_records",
                   {"rows": rows}, not rows)  # fmt: skip


def breaches_section(uow: UnitOfWork) -> Section:
    t = sources.table(uow, "breach_breaches", "aware_at")
    rows = sources.rows(uow, t) if t is not None else []
    notices = sources.table(uow, "breach_notifications", "breach_id", "notified_at")
    notified: dict[Any, Any] = {}
    for n in (
        sources.rows(uow, notices, "breach_id", "notified_at", "late")
        if notices is not None
        else []
    ):
        notified.setdefault(n["breach_id"], n["notified_at"])
    keep = ("id", "reference", "title", "nature", "aware_at", "persons_approx",
            "records_approx", "data_categories", "likely_consequences", "measures_taken", "risk",
            "no_notification_reason")  # fmt: skip
    rows = [{k: r.get(k) for k in keep if k in r} | {"notified_at": notified.get(r["id"])}
            for r in rows]  # fmt: skip
    return Section("breaches", _("Breach register"), "breach_breaches, breach_notifications",
                   {"rows": rows}, not rows)  # fmt: skip


def _request_outcome(row: dict[str, Any], today: date) -> str:
    answered = row.get("replied_at") or row.get("closed_at")
    due = row.get("due_day")
    if answered is None:
        return "late" if due is not None and due < today else "open"
    return "on_time" if due is None or answered.date() <= due else "late"


def requests_section(uow: UnitOfWork, today: date) -> Section:
    t = sources.table(uow, "rights_requests", "received_day", "due_day", "type")
    rows = sources.rows(uow, t, "id", "type", "received_day", "due_day", "replied_at",
                        "closed_at") if t is not None else []  # fmt: skip
    by_outcome: dict[str, list[int]] = defaultdict(list)
    by_type: Counter[str] = Counter()
    by_month: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        outcome = _request_outcome(row, today)
        by_outcome[outcome].append(row["id"])
        by_type[row["type"]] += 1
        by_month[row["received_day"].strftime("%Y-%m")][outcome] += 1
    data = {
        "received": [r["id"] for r in rows],
        "outcomes": dict(by_outcome),
        "by_type": dict(by_type),
        "by_month": {m: dict(c) for m, c in sorted(by_month.items())},
    }
    return Section("requests", _("Rights requests"), "rights_requests", data, not rows)  # fmt: skip


def retention_section(uow: UnitOfWork) -> Section:
    runs_t = sources.table(uow, "retention_runs", "as_of", "status")
    runs = sources.rows(uow, runs_t, "id", "as_of", "started_at", "finished_at", "status",
                        "dry_run", "counts") if runs_t is not None else []  # fmt: skip
    archive_t = sources.table(uow, "archive_bundles", "destroyed_at")
    destroyed = [r for r in sources.rows(uow, archive_t) if r.get("destroyed_at")] if (
        archive_t is not None) else []  # fmt: skip
    keep = (
        "id",
        "rule",
        "created_at",
        "destroyed_at",
        "records",
        "count",
        "proof",
        "manifest_sha256",
    )
    destroyed = [{k: v for k, v in r.items() if k in keep} for r in destroyed]
    return Section("retention", _("Retention runs and archive destructions"),
                   "retention_runs, archive_*", {"runs": runs, "destroyed": destroyed},
                   not runs and not destroyed)  # fmt: skip


def disclosures_section(uow: UnitOfWork) -> Section:
    rows = [
        {"id": d.id, "at": d.disclosed_at, "requester": d.requester, "basis": d.legal_basis,
         "reference": d.reference, "data": d.data_description, "approved_by": d.approved_by,
         "told": d.tell_subject, "flagged": records.is_flagged(d)}
        for d in records.list_disclosures(uow=uow)
    ]  # fmt: skip
    return Section("disclosures", _("Disclosures to authorities and third parties"),
                   "disclosure_log", {"rows": rows}, not rows)  # fmt: skip


def records_section(uow: UnitOfWork, today: date) -> Section:
    rows = [
        {"id": r.id, "kind": r.kind, "title": r.title, "holder": r.holder, "dated": r.dated,
         "valid_until": r.valid_until, "state": records.record_state(r, today)}
        for r in records.list_records(uow=uow)
    ]  # fmt: skip
    return Section("records", _("Organizational records"), "org_records", {"rows": rows},
                   not rows)  # fmt: skip


def check_section(uow: UnitOfWork) -> Section:
    report = run_checks(uow=uow, store=False).as_dict()
    return Section("check", _("Live compliance check"), "garant check",
                   report | {"trend": trend(uow=uow)})  # fmt: skip


def audit_section(uow: UnitOfWork) -> Section:
    from garant.audit.anchor import latest_seal
    from garant.audit.service import current_anchor, verify_chain
    from garant.errors import NotFound

    result = verify_chain(uow)
    try:  # the anchor printed here is kept outside the store (issue 16)
        latest_seal(uow.session)
        anchor: dict[str, Any] | None = current_anchor(uow).to_dict()
    except NotFound:
        anchor = None
    data = {"ok": result.ok, "events": result.events, "seals": result.seals,
            "first_broken": result.first_broken, "problem": result.problem,
            "anchor": anchor}  # fmt: skip
    return Section("audit", _("Audit-chain verification"), "audit_events, audit_seals", data)


def gather(uow: UnitOfWork) -> list[Section]:
    today = local_date(uow.now(), uow.garant.timezone)
    return [
        register_section(uow), policy_versions_section(uow), security_section(uow),
        processors_section(uow), dpia_section(uow), breaches_section(uow),
        requests_section(uow, today), retention_section(uow), disclosures_section(uow),
        records_section(uow, today), check_section(uow), audit_section(uow),
    ]  # fmt: skip


def build_html(garant: Garant, actor: Actor = SYSTEM) -> str:
    from garant.accountability.dossier_html import render

    lang = garant.policy.languages[0] if garant.policy.languages else "fr"
    with language(lang), garant.unit_of_work(actor, read_only=True) as uow:
        sections = gather(uow)
        html = render(garant, sections, uow.now(), lang)
    with garant.unit_of_work(actor) as uow:
        uow.audit("dossier.export", "dossier", None, details={"sections": len(sections)})
    return html


def export_dossier(garant: Garant, out: Path, *, actor: Actor = SYSTEM) -> Path:
    """Write the dossier as HTML, or as PDF (WeasyPrint) when ``out`` ends in .pdf."""
    html = build_html(garant, actor)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".pdf":
        from weasyprint import HTML

        HTML(string=html, base_url=str(garant.workspace)).write_pdf(str(out))
    else:
        out.write_text(html, encoding="utf-8")
    return out
