"""Checks that read what other engines record: requests, breaches, consent, retention."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select

from garant.accountability import sources
from garant.accountability.checks import BREACH_DEADLINE, Context, Finding, Unavailable
from garant.accountability.scan import identities, unreachable
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.i18n.dates import format_date
from garant.i18n.labels import label, named


def _named(ctx: Context, code: object) -> str:
    """The policy's words for one of its ids (an activity, a rule, a purpose)."""
    policy = sources.policy_of(ctx.uow)
    return named(policy, code) if policy is not None else str(code)


def requests_overdue(ctx: Context) -> list[Finding]:
    """AF-X2: every request answered by its due date (Art. 12(3))."""
    t = sources.table(ctx.uow, "rights_requests", "due_day", "closed_at")
    if t is None:
        raise Unavailable(_("the rights feature's request table is not installed"))
    open_: Any = t.c.closed_at.is_(None)
    if "replied_at" in t.c:
        open_ = and_(open_, t.c.replied_at.is_(None))
    query = select(t.c.id, t.c.type, t.c.due_day).where(open_, t.c.due_day < ctx.today)
    return [
        Finding(
            "request_overdue",
            "late",
            _("request #{id} ({type}) was due on {day} and is not answered").format(
                id=row.id, type=label(row.type, "request_type"), day=format_date(row.due_day)
            ),
            {"request_id": row.id, "due_day": str(row.due_day)},
            ["AF-X2"],
        )
        for row in ctx.uow.session.execute(query.order_by(t.c.due_day))
    ]


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def breaches_late(ctx: Context) -> list[Finding]:
    """AF-B2: a breach with a risk is notified within 72 hours of awareness (Art. 33(1))."""
    breaches = sources.table(ctx.uow, "breach_breaches", "aware_at", "risk")
    notices = sources.table(ctx.uow, "breach_notifications", "breach_id", "notified_at")
    if breaches is None or notices is None:
        raise Unavailable(_("the breaches feature's register is not installed"))
    notified = select(notices.c.breach_id)
    query = select(breaches.c.id, breaches.c.aware_at, breaches.c.risk).where(
        breaches.c.id.not_in(notified),
        or_(breaches.c.risk.is_(None), breaches.c.risk.not_in(["none"])),
    )
    if "notify_authority" in breaches.c:
        query = query.where(or_(breaches.c.notify_authority.is_(None),
                                breaches.c.notify_authority.is_(True)))  # fmt: skip
    out = []
    for row in ctx.uow.session.execute(query.order_by(breaches.c.id)):
        aware = _aware(row.aware_at)
        if aware is not None and ctx.now - aware > BREACH_DEADLINE:
            hours = int((ctx.now - aware).total_seconds() // 3600)
            out.append(
                Finding(
                    "breach_late",
                    "late",
                    _("breach #{id} known for {hours} hours and the authority not notified").format(
                        id=row.id, hours=hours
                    ),
                    {"breach_id": row.id, "aware_at": aware.isoformat(), "risk": row.risk},
                    ["AF-B2"],
                )
            )
    return out


def _consent_activities(ctx: Context) -> dict[str, str]:
    out = {}
    for activity in sources.activities(ctx.uow):
        if sources.get(activity, "legal_basis") == "consent":
            purpose = sources.get(activity, "consent_purpose") or sources.get(activity, "id")
            out[str(sources.get(activity, "id"))] = str(purpose)
    return out


def consent_without_records(ctx: Context) -> list[Finding]:
    """AF-L2, AF-P2: a consent-based activity holds data only of persons who consented."""
    t = sources.table(ctx.uow, "consent_current", "subject_ref", "purpose", "given")
    datamap = sources.datamap_of(ctx.uow)
    if t is None or datamap is None:
        raise Unavailable(_("the consent ledger or the data map is not installed"))
    closed = unreachable(datamap)
    if closed and _consent_activities(ctx):
        raise Unavailable(_("cannot open {which}").format(which="; ".join(closed)))
    out = []
    for activity, purpose in _consent_activities(ctx).items():
        missing = 0
        for batch in sources.batched(identities(datamap, "email", {activity})):
            refs = {ctx.uow.subject_ref("email", v): v for v in batch}
            query = select(t.c.subject_ref).where(
                t.c.subject_ref.in_(list(refs)), t.c.purpose == purpose, t.c.given.is_(True)
            )
            consented = set(ctx.uow.session.scalars(query))
            missing += len(set(refs) - consented)
        if missing:
            out.append(
                Finding(
                    "consent_missing",
                    "late",
                    _(
                        'activity "{activity}" is based on consent; {n} person(s) in its data '
                        'have no consent on record for "{purpose}"'
                    ).format(
                        activity=_named(ctx, activity), n=missing, purpose=_named(ctx, purpose)
                    ),
                    {"activity": activity, "purpose": purpose, "persons": missing},
                    ["AF-L2", "AF-P2"],
                )
            )
    return out


def retention_overdue(ctx: Context) -> list[Finding]:
    """AF-R0, DEF-R6: no row outlives its retention; asks the retention engine's forecast."""
    try:
        from garant.retention.sweep import plan
    except ImportError:
        raise Unavailable(_("the retention forecast is not installed")) from None
    if sources.datamap_of(ctx.uow) is None:
        raise Unavailable(_("no data map in the workspace"))
    try:
        forecast = plan(ctx.uow.garant)
    except GarantError as exc:
        raise Unavailable(
            _("the retention forecast failed: {why}").format(why=exc.message)
        ) from None
    return [
        Finding(
            "retention_overdue",
            "late",
            _(
                '{n} row(s) of {collection} are past the retention rule "{rule}" and still there'
            ).format(
                n=item["due_now"], collection=item["collection"], rule=_named(ctx, item["rule"])
            ),
            {
                "collection": item["collection"],
                "rule": item["rule"],
                "rows": item["due_now"],
                "action": item.get("action"),
            },
            ["AF-R0", "DEF-R6", *item.get("promises", [])],
        )
        for item in forecast
        if item.get("due_now")
    ] + _no_start(ctx, forecast)


def _no_start(ctx: Context, forecast: list[dict[str, Any]]) -> list[Finding]:
    """Rows whose start dates are all empty are never due: kept forever unless said."""
    seen: dict[str, dict[str, Any]] = {}
    for item in forecast:
        if item.get("no_start"):
            seen.setdefault(item["collection"], item)
    return [
        Finding(
            "retention_no_start",
            "risk",
            _(
                '{n} row(s) of {collection} have no start date for the rule "{rule}": '
                "never due, kept until the date is filled"
            ).format(
                n=item["no_start"], collection=item["collection"], rule=_named(ctx, item["rule"])
            ),
            {"collection": item["collection"], "rule": item["rule"], "rows": item["no_start"]},
            ["AF-R0", "AF-PD1"],
        )
        for item in seen.values()
    ]
