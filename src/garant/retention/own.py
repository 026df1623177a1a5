"""Retention of Garant's own records: the same engine applied to Garant's store.

Each feature that owns personal records declares their rule and appends it to
``garant.own_data_rules`` in its ``wiring.install``:

    garant.own_data_rules.append(OwnDataRule(
        table="suppression_entries", date_column="created_at", rule="objection_proof",
        action="delete", promise="AF-R7", default="3 years"))

The sweep applies every rule in bounded batches of primary keys, each batch its own
transaction with one audit event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ColumnElement, Table, and_, delete, func, null, or_, select, update
from sqlalchemy.exc import DBAPIError

from garant.clock import local_date
from garant.errors import ConfigError, GarantError, NotFound
from garant.retention.rules import find_rule, parse_duration
from garant.retention.steps import local_midnight
from garant.store.uow import SYSTEM, Actor

if TYPE_CHECKING:
    from garant.app import Garant

BATCH = 2000
NOW = object()
"""A value in ``OwnDataRule.values`` meaning the sweep's own time."""


@dataclass(frozen=True)
class OwnDataRule:
    """A retention rule over one of Garant's own tables.

    ``rule`` names the policy's retention rule (its duration wins); ``default`` is the
    duration used when the policy has no such rule (the promise's own figure).
    ``action``: ``delete`` the rows, or ``anonymize`` by setting ``columns`` to their
    ``values`` (NULL by default). ``condition`` narrows the rows (``closed`` requests only):
    a function of the table returning a SQLAlchemy expression, never SQL text.
    """

    table: str
    date_column: str
    rule: str
    action: Literal["delete", "anonymize"] = "delete"
    columns: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    condition: Callable[[Table], ColumnElement[bool]] | None = None
    default: str | None = None
    promise: str | None = None

    def duration_in(self, policy: Any) -> Any:
        try:
            rule = find_rule(policy, self.rule)
        except NotFound:
            if self.default is None:
                raise ConfigError(
                    f"own data rule on {self.table}: the policy has no retention rule "
                    f'"{self.rule}" and no default duration is given'
                ) from None
            return parse_duration(self.default)
        # Garant keeps its own records in its store through the archive phase too (AF-R5:
        # "kept while processed, then archived 5 years"): the end is active + archive.
        if rule.archive is not None:
            return rule.duration + rule.archive.duration
        return rule.duration


def _table(garant: Garant, name: str) -> Table:
    from garant.store.base import Base

    try:
        return Base.metadata.tables[name]
    except KeyError:
        raise ConfigError(f"own data rule: Garant has no table {name}") from None


def due_where(garant: Garant, rule: OwnDataRule, table: Table) -> ColumnElement[bool]:
    """Rows past their period (and not yet anonymized, so a re-run changes nothing)."""
    today = local_date(garant.clock.now(), garant.timezone)
    cutoff = local_midnight(today - rule.duration_in(garant.policy), garant.timezone)
    clauses: list[ColumnElement[bool]] = [table.c[rule.date_column] < cutoff]
    if rule.condition is not None:
        clauses.append(rule.condition(table))
    pending = [table.c[c].is_not(None) for c in rule.columns if rule.values.get(c) is None]
    if rule.action == "anonymize" and pending:
        clauses.append(or_(*pending))
    return and_(*clauses)


def _values(rule: OwnDataRule, now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in rule.columns:
        value = rule.values.get(column)
        out[column] = now if value is NOW else null() if value is None else value
    return out


def count_due(garant: Garant, rule: OwnDataRule) -> int:
    table = _table(garant, rule.table)
    with garant.store.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(table).where(due_where(garant, rule, table))
            ).scalar_one()
        )


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


def apply_rule(
    garant: Garant, rule: OwnDataRule, *, actor: Actor = SYSTEM, run_id: int | None = None
) -> int:
    table = _table(garant, rule.table)
    pk = list(table.primary_key.columns)[0]
    total = 0
    while True:
        with garant.unit_of_work(actor) as uow:
            where = due_where(garant, rule, table)
            keys = (
                uow.session.execute(select(pk).where(where).order_by(pk).limit(BATCH))
                .scalars()
                .all()
            )
            if not keys:
                return total
            chosen = and_(pk.in_(keys), where)
            if rule.action == "delete":
                done = _count(uow.session.execute(delete(table).where(chosen)))
            else:
                values = _values(rule, uow.now())
                done = _count(uow.session.execute(update(table).where(chosen).values(**values)))
            uow.audit(
                f"retention.own.{rule.action}",
                "retention_run" if run_id else "table",
                run_id or rule.table,
                details={
                    "table": rule.table,
                    "rule": rule.rule,
                    "rows": done,
                    "promise": rule.promise,
                },
            )
            total += done


_DICT_KEYS = {"table", "date_column", "duration", "rule", "action", "why", "promise"}


def coerce(declared: Any) -> OwnDataRule | str:
    """A declared rule as an ``OwnDataRule``; a plain dict is read too (table, date_column,
    duration, why). Returns the reason when it cannot be applied safely."""
    if isinstance(declared, OwnDataRule):
        return declared
    if not isinstance(declared, dict) or not {"table", "date_column"} <= set(declared):
        return f"not a retention rule: {declared!r}"[:200]
    unknown = set(declared) - _DICT_KEYS
    if unknown:
        return (
            f"{declared['table']}: not applied, its condition ({', '.join(sorted(unknown))}) "
            "is prose; declare an OwnDataRule with a condition"
        )
    promise = re.search(r"\b[A-Z]{2,3}-[A-Z]+\d+\b", str(declared.get("why", "")))
    return OwnDataRule(
        table=declared["table"],
        date_column=declared["date_column"],
        rule=str(declared.get("rule", declared["table"])),
        action=declared.get("action", "delete"),
        default=declared.get("duration"),
        promise=declared.get("promise") or (promise.group(0) if promise else None),
    )


def apply_all(
    garant: Garant, *, actor: Actor = SYSTEM, run_id: int | None = None
) -> dict[str, int | str]:
    """Apply every declared rule; one rule's failure is reported, never fatal to the others."""
    out: dict[str, int | str] = {}
    for declared in garant.own_data_rules:
        rule = coerce(declared)
        if isinstance(rule, str):
            out[str(declared.get("table", "?") if isinstance(declared, dict) else "?")] = rule
            continue
        name = f"{rule.table}:{rule.rule}"
        try:
            out[name] = apply_rule(garant, rule, actor=actor, run_id=run_id)
        except (GarantError, DBAPIError) as exc:
            out[name] = f"error: {str(exc).splitlines()[0][:200]}"
    return out


def audit_payload_rule() -> OwnDataRule:
    """Proof payloads in the audit log are blanked when their proof period ends."""
    return OwnDataRule(
        table="audit_payloads",
        date_column="created_at",
        rule="audit_payloads",
        action="anonymize",
        columns=("data", "erased_at", "erase_reason"),
        values={"erased_at": NOW, "erase_reason": "retention"},
        condition=lambda t: t.c.data.is_not(None),
        default="5 years",
        promise="AF-A1",
    )


def throttle_hits_rule() -> OwnDataRule:
    """Throttle hits (keyed hashes of addresses and client IPs) serve only while their window
    lasts; each rule's pruning reaches only its own scope when it is hit again, so a scope no
    longer asked kept its rows for ever. Every window is at most ``MAX_WINDOW`` (three days,
    the rights code's life; ``garant.throttle.rules`` refuses a longer one): deleted one day
    after that (at local midnight, so four to five days after the hit)."""
    from garant.throttle.rules import MAX_WINDOW

    return OwnDataRule(
        table="throttle_hits",
        date_column="at",
        rule="throttle_hits",
        default=f"{MAX_WINDOW.days + 1} days",
    )


MAIL_SENT_KEEP = "30 days"
MAIL_UNSENT_KEEP = "180 days"


def mail_outbox_rules() -> list[OwnDataRule]:
    """Sent mail keeps its envelope (template, keyed recipient, status, Message-ID, dates:
    the proof a mail went) but its sealed content (address, names, codes, signed links) is
    erased 30 days after it was sent: enough to answer "did you write to me?" and to resend
    by staff, and past every link's and code's life. A mail never sent (held for review,
    refused by the server) keeps its content until it goes, 180 days at most: six months
    covers the longest deadline of a request (one month plus two, Art. 12(3) GDPR) with
    room for a review; the send job then finds nothing to send."""
    return [
        OwnDataRule(
            table="mail_outbox",
            date_column="sent_at",
            rule="mail_sent",
            action="anonymize",
            condition=lambda t: t.c.status == "sent",
            default=MAIL_SENT_KEEP,
            columns=("sealed", "erased_at"),
            values={"erased_at": NOW},
        ),
        OwnDataRule(
            table="mail_outbox",
            date_column="created_at",
            rule="mail_unsent",
            action="anonymize",
            condition=lambda t: t.c.status != "sent",
            default=MAIL_UNSENT_KEEP,
            columns=("sealed", "erased_at"),
            values={"erased_at": NOW},
        ),
    ]
