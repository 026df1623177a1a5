"""The live compliance check: small functions, each comparing a promise with the data.

Each check takes a :class:`Context` and returns findings; a check whose feature is not
installed raises :class:`Unavailable` and is reported as such. Every finding carries its
evidence (record ids, table and column names, counts), never a personal value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import select

from garant.accountability import records, sources
from garant.accountability.models import CheckRun
from garant.accountability.scan import ColumnFinding, scan_columns, unreachable
from garant.dpia.models import Dpia
from garant.i18n import gettext as _
from garant.i18n.dates import format_date
from garant.i18n.labels import label, named
from garant.policy.wording import category
from garant.processors import rules as processor_rules
from garant.processors.models import Processor
from garant.store.uow import UnitOfWork

BREACH_DEADLINE = timedelta(hours=72)  # Art. 33(1)


class Unavailable(Exception):
    """The feature this check reads is not installed or has no data to compare."""


@dataclass
class Finding:
    check: str
    level: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    promises: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "level": self.level,
            "message": self.message,
            "evidence": self.evidence,
            "promises": self.promises,
        }


@dataclass
class Context:
    uow: UnitOfWork
    now: datetime
    today: date

    @cached_property
    def columns(self) -> list[ColumnFinding]:
        datamap = sources.datamap_of(self.uow)
        if datamap is None:
            raise Unavailable(_("no data map in the workspace"))
        missing = unreachable(datamap)
        if missing and len(missing) == len(datamap.systems):
            raise Unavailable(
                _("no connected database can be opened: {which}").format(which="; ".join(missing))
            )
        policy = sources.policy_of(self.uow)
        return scan_columns(datamap, region=str(sources.get(policy, "country", "FR")))


Check = Callable[[Context], list[Finding]]


def all_processors(ctx: Context) -> list[Any]:
    """The register's engaged processors (an ended one is history), plus those the policy
    declares that were never synced into it (evaluated as declared; ``garant processor
    sync`` records them)."""
    from garant.processors.service import policy_processors

    registered = list(ctx.uow.session.scalars(select(Processor).order_by(Processor.name)))
    names = {p.name for p in registered}
    declared = [p for p in policy_processors(ctx.uow) if p.name not in names]
    return [p for p in registered if p.ended_on is None] + declared


def processors_without_contract(ctx: Context) -> list[Finding]:
    """AF-SEC2, DEF-SP1: every processor works under a signed Art. 28 contract."""
    out = []
    for p in all_processors(ctx):
        for alert in processor_rules.alerts(p, ctx.today):
            if alert.kind in ("contract_missing", "contract_expired", "clause_missing"):
                out.append(
                    Finding(
                        "processor_contract",
                        alert.level,
                        f"{p.name}: {alert.message}",
                        {"processor_id": p.id, "alert": alert.kind},
                        ["AF-SEC2", "DEF-SP1"],
                    )
                )
    return out


def transfers_without_mechanism(ctx: Context) -> list[Finding]:
    """AF-T1, DEF-T1: no transfer outside the EEA without a valid Chapter V mechanism."""
    out = []
    for p in all_processors(ctx):
        for problem in processor_rules.transfer_problems(p, ctx.today):
            out.append(
                Finding(
                    "transfer",
                    "late",
                    f"{p.name}: {problem}",
                    {"processor_id": p.id, "countries": p.countries, "mechanism": p.mechanism},
                    ["AF-T1", "DEF-T1"],
                )
            )
    return out


@dataclass
class _Declared:
    """An activity's declared transfer, shaped like a processor for the transfer rule."""

    countries: list[str]
    mechanism: str | None
    scc_module: str | None
    tia_date: object = True  # the policy does not record the TIA per activity transfer
    derogation: str | None = "declared in the policy"
    dpf_certified: bool = False


def _activity_name(ctx: Context, activity_id: object) -> str:
    policy = sources.policy_of(ctx.uow)
    return named(policy, activity_id) if policy is not None else str(activity_id)


def declared_transfers(ctx: Context) -> list[Finding]:
    """AF-T1, DEF-T1: the transfers each activity declares in the policy are safeguarded."""
    out = []
    for activity in sources.activities(ctx.uow):
        for t in sources.get(activity, "transfers", []) or []:
            mechanism = sources.get(t, "mechanism")
            module = sources.get(t, "scc_module")
            declared = _Declared([str(sources.get(t, "country"))],
                                 None if mechanism in (None, "none") else str(mechanism),
                                 str(module) if module else None)  # fmt: skip
            for problem in processor_rules.transfer_problems(declared, ctx.today):
                out.append(Finding(
                    "transfer", "late",
                    _('activity "{activity}" to {recipient}: {problem}').format(
                        activity=_activity_name(ctx, sources.get(activity, "id")),
                        recipient=sources.get(t, "recipient"), problem=problem),
                    {"activity": sources.get(activity, "id"), "country": declared.countries[0],
                     "mechanism": declared.mechanism}, ["AF-T1", "DEF-T1"]))  # fmt: skip
    return out


def audits_overdue(ctx: Context) -> list[Finding]:
    """DEF-SP1: the audit right is exercised when planned."""
    query = (
        select(Processor)
        .where(Processor.next_audit < ctx.today, Processor.ended_on.is_(None))
        .order_by(Processor.name)
    )
    return [
        Finding(
            "processor_audit",
            "late",
            _("{name}: audit due on {day} not done").format(
                name=p.name, day=format_date(p.next_audit)
            ),
            {"processor_id": p.id, "next_audit": str(p.next_audit)},
            ["DEF-SP1"],
        )
        for p in ctx.uow.session.scalars(query)
    ]


def records_lapsed(ctx: Context) -> list[Finding]:
    """AF-A1, DEF-S3: trainings, agreements and procedures are kept current."""
    return [
        Finding(
            "org_record",
            "late",
            _('{kind} "{title}" lapsed on {day}').format(
                kind=label(r["kind"], "record_kind"),
                title=r["title"],
                day=format_date(r["valid_until"]),
            ),
            {"record_id": r["id"], "valid_until": str(r["valid_until"])},
            ["AF-A1", "DEF-S3"],
        )
        for r in records.record_reminders(uow=ctx.uow, day=ctx.today)
        if r["state"] == "lapsed"
    ]


def dpias_missing(ctx: Context) -> list[Finding]:
    """AF-A1: a processing screened as needing a DPIA has one validated; and every activity
    the policy's own declarations screen as needing one (Art. 35; ``dpia.from_policy``)
    has a DPIA recorded."""
    query = select(Dpia).where(Dpia.required.is_(True), Dpia.status != "validated")
    found = [
        Finding(
            "dpia",
            "risk",
            _('DPIA "{title}" is required and not validated (status: {status})').format(
                title=d.title, status=label(d.status, "dpia_status")
            ),
            {"dpia_id": d.id, "activity": d.activity},
            ["AF-A1"],
        )
        for d in ctx.uow.session.scalars(query)
    ]
    return found + _screened_without_dpia(ctx)


def _screened_without_dpia(ctx: Context) -> list[Finding]:
    from garant.dpia.from_policy import unrecorded

    policy = sources.policy_of(ctx.uow)
    if policy is None:
        return []
    stored = {a for a in ctx.uow.session.scalars(select(Dpia.activity)) if a}
    return [
        Finding(
            "dpia",
            "late" if s.art35_3 else "risk",
            _('activity "{activity}" needs a DPIA and none is recorded: {reasons}').format(
                activity=named(policy, s.activity), reasons="; ".join(s.result.reasons)
            ),
            {"activity": s.activity, "criteria": s.criteria},
            ["AF-A1"],
        )
        for s in unrecorded(policy, stored)
    ]


def disclosures_outside_recipients(ctx: Context) -> list[Finding]:
    """AF-S1, DEF-S1: data goes to no one the policy does not name, unless the law compels."""
    return [
        Finding(
            "disclosure",
            "risk",
            _("disclosure #{id} to {requester} on a basis no law compels ({basis})").format(
                id=d.id, requester=d.requester, basis=label(d.legal_basis, "disclosure_basis")
            ),
            {"disclosure_id": d.id, "legal_basis": d.legal_basis},
            ["AF-S1", "DEF-S1"],
        )
        for d in records.list_disclosures(uow=ctx.uow)
        if records.is_flagged(d)
    ]


def unmapped_personal_columns(ctx: Context) -> list[Finding]:
    """AF-PD1, DEF-A1: every personal column in the databases is in the data map."""
    return [
        Finding(
            "unmapped_column",
            "risk",
            _("{column} looks like {category} and is not in the data map").format(
                column=f"{c.system}.{c.table}.{c.column}", category=category(c.category)
            ),
            {
                "system": c.system,
                "table": c.table,
                "column": c.column,
                "category": c.category,
                "why": c.evidence[:3],
            },
            ["DEF-A1"],
        )
        for c in ctx.columns
        if c.category is not None and not c.mapped and not c.special
    ]


SHARE = re.compile(r"(\d+) of (\d+) sampled values")
MAPPED_VALUE_SHARE = 0.10


def _convincing(c: ColumnFinding) -> bool:
    """Art. 9 signals worth a finding: the column's name, an unmapped column, or, for a
    column the map already classifies, values that say so in at least one case in ten
    (a street named after a church is not a religious belief)."""
    if not c.mapped or any(" name matches " in e for e in c.special_evidence):
        return True
    for evidence in c.special_evidence:
        found = SHARE.search(evidence)
        if found and "words of" in evidence:
            hits, total = int(found.group(1)), int(found.group(2)) or 1
            if hits / total >= MAPPED_VALUE_SHARE:
                return True
    return False


def special_category_columns(ctx: Context) -> list[Finding]:
    """DEF-C4: where the policy declares no Art. 9 data, no column may look like it."""
    policy = sources.policy_of(ctx.uow)
    special = sources.get(policy, "special_categories")
    if sources.get(special, "processed", False) or not sources.get(special, "scan", True):
        return []
    return [
        Finding(
            "special_category",
            "late",
            _("{column} looks like Art. 9 data ({special}) and the policy declares none").format(
                column=f"{c.system}.{c.table}.{c.column}",
                special=", ".join(label(x) for x in c.special),
            ),
            {
                "system": c.system,
                "table": c.table,
                "column": c.column,
                "special": list(c.special),
                "why": c.special_evidence[:3],
            },
            ["DEF-C4"],
        )
        for c in ctx.columns
        if c.special and _convincing(c)
    ]


Measures = dict[str, tuple[int, str | None]]


def _measure_findings(before: Measures, after: Measures, when: str) -> list[Finding]:
    replaced = {r for _level, r in after.values() if r}
    out = []
    for name, (strength, _by) in sorted(before.items()):
        if name not in after and name not in replaced:
            message = _('security measure "{name}" removed without a replacement ({when})')
        elif name in after and 0 < after[name][0] < strength:
            message = _('security measure "{name}" weakened from {before} to {after} ({when})')
        else:
            continue
        message = message.format(name=name, before=strength, after=after.get(name, (0,))[0],
                                 when=when)  # fmt: skip
        out.append(Finding("security_measure", "late", message, {"measure": name, "when": when},
                           ["DEF-SEC2", "AF-SEC1", "DEF-SEC1"]))  # fmt: skip
    return out


def security_measure_removed(ctx: Context) -> list[Finding]:
    """DEF-SEC2: a change of security means never lowers the level. Each published version
    is compared with the one before, and the policy file with the last published."""
    states = sources.published_measures(ctx.uow)
    if not states:
        last = ctx.uow.session.scalar(select(CheckRun).order_by(CheckRun.id.desc()).limit(1))
        if last is None:
            raise Unavailable(_("no published policy version nor earlier check run to compare"))
        states = [(f"check run #{last.id}", {m: (0, None) for m in last.measures or []})]
    states.append(("policy.yaml", sources.measure_levels(sources.policy_of(ctx.uow))))
    out: list[Finding] = []
    for (_was, before), (when, after) in zip(states, states[1:], strict=False):
        out.extend(_measure_findings(before, after, when))
    return out
