"""Running every check, storing the counts for the trend, reading the trend back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from garant.accountability import checks, checks_external, sources
from garant.accountability.checks import Check, Context, Finding, Unavailable
from garant.accountability.models import CheckRun
from garant.clock import local_date
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.store.uow import SYSTEM, Actor, UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

CHECKS: list[tuple[str, Check]] = [
    ("retention", checks_external.retention_overdue),
    ("unmapped_columns", checks.unmapped_personal_columns),
    ("special_categories", checks.special_category_columns),
    ("consent", checks_external.consent_without_records),
    ("processor_contracts", checks.processors_without_contract),
    ("transfers", checks.transfers_without_mechanism),
    ("declared_transfers", checks.declared_transfers),
    ("processor_audits", checks.audits_overdue),
    ("requests", checks_external.requests_overdue),
    ("breaches", checks_external.breaches_late),
    ("security_measures", checks.security_measure_removed),
    ("org_records", checks.records_lapsed),
    ("dpias", checks.dpias_missing),
    ("disclosures", checks.disclosures_outside_recipients),
]


@dataclass
class Report:
    run_at: str
    findings: list[Finding]
    status: dict[str, str]
    counts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_at": self.run_at,
            "total": len(self.findings),
            "status": self.status,
            "findings": [f.as_dict() for f in self.findings],
        }


def run_checks(*, uow: UnitOfWork, store: bool = True) -> Report:
    """Run every check; a check that cannot run says why instead of failing the rest."""
    now = uow.now()
    ctx = Context(uow, now, local_date(now, uow.garant.timezone))
    findings: list[Finding] = []
    status: dict[str, str] = {}
    counts: dict[str, int] = {}
    for name, check in CHECKS:
        try:
            found = check(ctx)
        except Unavailable as exc:
            status[name] = _("not checked: {why}").format(why=exc)
            continue
        except SQLAlchemyError as exc:  # a connected system down must not hide the rest
            status[name] = _("not checked: a database could not be read ({error})").format(
                error=type(exc).__name__
            )
            continue
        except GarantError as exc:
            status[name] = _("not checked: {why}").format(why=exc.message)
            continue
        findings.extend(found)
        counts[name] = len(found)
        status[name] = _("{n} finding(s)").format(n=len(found)) if found else _("ok")
    report = Report(now.isoformat(), findings, status, counts)
    if store:
        save_run(uow=uow, report=report, measures=sources.security_measures(uow))
    return report


def save_run(*, uow: UnitOfWork, report: Report, measures: list[str]) -> CheckRun:
    run = CheckRun(
        run_at=datetime.fromisoformat(report.run_at),
        total=len(report.findings),
        counts=report.counts,
        findings=[f.as_dict() for f in report.findings],
        measures=measures,
    )
    uow.session.add(run)
    uow.session.flush()
    uow.audit("check.run", "check_run", run.id, details={"total": run.total})
    return run


def run_and_store(garant: Garant, actor: Actor = SYSTEM) -> Report:
    """Check in a read-only transaction (other engines may open their own meanwhile), then
    keep the run in a short write transaction."""
    with garant.unit_of_work(actor, read_only=True) as uow:
        report = run_checks(uow=uow, store=False)
        measures = sources.security_measures(uow)
    with garant.unit_of_work(actor) as uow:
        save_run(uow=uow, report=report, measures=measures)
    return report


def trend(*, uow: UnitOfWork, limit: int = 30) -> list[dict[str, Any]]:
    """The last runs' totals, oldest first: what the dashboard draws."""
    query = select(CheckRun).order_by(CheckRun.id.desc()).limit(limit)
    runs = list(uow.session.scalars(query))
    return [{"id": r.id, "run_at": r.run_at, "total": r.total, "counts": r.counts} for r in runs][
        ::-1
    ]
