"""Pure retention logic: durations, start events, phases and cut-off dates.

A rule keeps a row for ``duration`` after its start, the start being the latest of
several events (AF-R2: collection, last click, last documentation request). Then either
the row ends (delete or anonymize) or it enters an intermediate archive for the time its
statute requires (DEF-R3), after which the archive itself is destroyed (DEF-R6).

Because the start is the *latest* event, "start + duration <= today" holds exactly when
*every* known event is on or before ``today - duration``: the sweep can test each column
against one cut-off, set-based, without computing a maximum per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from dateutil.relativedelta import relativedelta

from garant.errors import InvalidInput, NotFound

Phase = Literal["active", "archive", "ended"]
EndAction = Literal["delete", "anonymize"]
_UNITS = {
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
    "jour": "days",
    "semaine": "weeks",
    "mois": "months",
    "an": "years",
    "année": "years",
    "annee": "years",
}
_PART = re.compile(r"(\d+)\s*([a-zA-Zéè]+?)s?\b")
_SHORT = re.compile(r"^(\d+)([dwmy])$")


def parse_duration(text: Any) -> relativedelta:
    """``"14 months"``, ``"3 years"``, ``"1 year 6 months"``, ``"90d"`` as a relativedelta.

    Also takes a relativedelta or the policy's ``Duration`` (its ``.delta``).
    """
    if isinstance(text, relativedelta):
        return text
    if hasattr(text, "delta"):
        delta: relativedelta = text.delta
        return delta
    raw = str(text).strip().lower()
    short = _SHORT.match(raw)
    if short:
        unit = {"d": "days", "w": "weeks", "m": "months", "y": "years"}[short.group(2)]
        return _bounded(relativedelta(**{unit: int(short.group(1))}), text)  # type: ignore[arg-type]
    parts = _PART.findall(raw)
    if not parts or _PART.sub("", raw).replace("and", "").strip(" ,"):
        raise InvalidInput(f'"{text}" is not a duration (examples: "14 months", "3 years", "90d")')
    delta = relativedelta()
    for amount, unit in parts:
        name = _UNITS.get(unit.rstrip("s")) or _UNITS.get(unit)
        if name is None:
            raise InvalidInput(f'"{text}": unknown unit "{unit}" (days, weeks, months, years)')
        delta += relativedelta(**{name: int(amount)})  # type: ignore[arg-type]
    return _bounded(delta, text)


def _bounded(delta: relativedelta, text: Any) -> relativedelta:
    """A duration no rule or horizon needs (past 1,000 years) is refused: it would leave
    the calendar when added to a date."""
    try:
        end = date(2000, 1, 1) + delta
    except (OverflowError, ValueError):
        end = date.max
    if end.year > 3000:
        raise InvalidInput(f'"{text}" is longer than 1,000 years')
    return delta


def describe(delta: relativedelta) -> str:
    parts = [
        f"{value} {name}"
        for name, value in (("years", delta.years), ("months", delta.months), ("days", delta.days))
        if value
    ]
    return " ".join(parts) or "0 days"


@dataclass(frozen=True)
class ArchiveSpec:
    """The intermediate archive: how long, under which statute, which fields survive."""

    duration: relativedelta
    statute: str | None
    fields: tuple[str, ...]
    identifies: bool = False
    """The duty needs the person's identity (an invoice): the archive is not anonymous."""
    anonymous_claimed: bool = False
    """The policy text says the archive is anonymous (DEF-R5)."""
    year_end: tuple[int, int] | None = None
    """(month, day) the financial year closes, when the statute counts from there (Code de
    commerce L123-22: ten years from the closing of the financial year, not the document)."""


RELATED, SEPARATOR = "^.", "|"
"""A start event read on a related row is written ``^.via|event`` among a rule's events
(policy ids never hold ``^`` or ``|``; the dot sends it, like ``child.column``, to
``Target.latest_of`` where a statement reads the start dates of a row).

Carried in ``RuleSpec.events`` so that every predicate built from a rule's events (due,
no start date, the archive's start columns, the erasure's expiry) takes the related row's
date into account through the same code path as the row's own dates."""


def related_event(via: str, event: str) -> str:
    return f"{RELATED}{via}{SEPARATOR}{event}"


def split_related(name: str) -> tuple[str, str] | None:
    """``(via, event)`` of a related start event, ``None`` for an event of the row itself."""
    if not name.startswith(RELATED):
        return None
    via, _, event = name[len(RELATED) :].partition(SEPARATOR)
    return via, event


@dataclass(frozen=True)
class RuleSpec:
    id: str
    duration: relativedelta
    events: tuple[str, ...]
    """The start events: the row's own, then at most one related (``^.via|event``)."""
    held_while: tuple[str, ...]
    archive: ArchiveSpec | None
    then: EndAction
    promises: tuple[str, ...] = ()

    @property
    def related(self) -> tuple[str, str] | None:
        """``(via, event)`` when the clock also waits for an event of a related row (a
        child's profile ends with its guardian's account, policy ``start.related``)."""
        found = [r for r in (split_related(e) for e in self.events) if r is not None]
        return found[0] if found else None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _events(start: Any) -> tuple[str, ...]:
    if start is None:
        return ("collected",)
    if isinstance(start, str):
        return (start,)
    latest = _get(start, "latest")
    if latest is None:
        event = _get(start, "event")
        return (str(event),) if event else ("collected",)
    related = _get(start, "related")
    tail: tuple[str, ...] = ()
    if related is not None:
        tail = (related_event(str(_get(related, "via")), str(_get(related, "event"))),)
    return tuple(str(e) for e in latest) + tail


def _condition_name(item: Any) -> str:
    if isinstance(item, str):
        return item
    for key in ("id", "name", "condition"):
        value = _get(item, key)
        if value:
            return str(value)
    return str(item)


IDENTITY_HINTS = (
    "name",
    "address",
    "email",
    "phone",
    "client",
    "customer",
    "nom",
    "adresse",
    "identification",
    "contact",
)


def _archive(raw: Any, policy: Any = None, rule: Any = None) -> ArchiveSpec | None:
    if raw is None:
        return None
    fields = tuple(str(f) for f in (_get(raw, "fields") or ()))
    identifies = any(hint in f.lower() for f in fields for hint in IDENTITY_HINTS)
    duration = _get(raw, "duration")
    statute = _get(raw, "statute")
    year_end = None
    if policy is not None and hasattr(policy, "archive_duration"):
        # Where the policy promises less than the statute, Garant keeps the law (AF-R0).
        duration = policy.archive_duration(rule) or duration
        try:
            found = policy.statute(statute)
            statute = f"{statute}: {found.reference}"
            if found.counted_from == "financial_year_end":
                year_end = policy.controller.year_end
        except Exception:  # an unknown statute is reported by the policy's own lint
            pass
    return ArchiveSpec(
        duration=parse_duration(duration),
        statute=statute,
        fields=fields,
        identifies=identifies,
        anonymous_claimed=bool(_get(raw, "anonymous", False)),
        year_end=year_end,
    )


def rule_spec(raw: Any, policy: Any = None) -> RuleSpec:
    """Read a retention rule from the policy model (or its raw YAML mapping)."""
    then = str(_get(raw, "then", "delete") or "delete")
    if then not in ("delete", "anonymize"):
        raise InvalidInput(f"retention rule {_get(raw, 'id')}: then must be delete|anonymize")
    return RuleSpec(
        id=str(_get(raw, "id")),
        duration=parse_duration(_get(raw, "duration")),
        events=_events(_get(raw, "start")),
        held_while=tuple(_condition_name(c) for c in (_get(raw, "held_while") or ())),
        archive=_archive(_get(raw, "archive"), policy, raw),
        then=then,  # type: ignore[arg-type]
        promises=tuple(str(p) for p in (_get(raw, "promises") or ())),
    )


def policy_rules(policy: Any) -> dict[str, RuleSpec]:
    """Every retention rule of the policy, by id (works with the full or a raw model)."""
    raw = _get(policy, "retention_rules")
    if raw is None and getattr(policy, "model_extra", None):
        raw = policy.model_extra.get("retention_rules")
    return {spec.id: spec for spec in (rule_spec(r, policy) for r in (raw or ()))}


def find_rule(policy: Any, rule_id: str) -> RuleSpec:
    rules = policy_rules(policy)
    try:
        return rules[rule_id]
    except KeyError:
        raise NotFound(f'the policy has no retention rule "{rule_id}"') from None


# --- dates ---------------------------------------------------------------------------
def as_date(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def start_of(events: Mapping[str, date | datetime | str | None]) -> date | None:
    """The latest known event (AF-R2); ``None`` when no event is known."""
    known = [d for d in (as_date(v) for v in events.values()) if d is not None]
    return max(known) if known else None


@dataclass(frozen=True)
class Cutoffs:
    """Rows whose start is on or before ``active`` have finished their active phase."""

    active: date
    archive: date | None

    def horizon(self, delta: relativedelta) -> Cutoffs:
        return Cutoffs(self.active + delta, None if self.archive is None else self.archive + delta)


def year_close(day: date, year_end: tuple[int, int]) -> date:
    """The closing day of the financial year ``day`` belongs to (on or after ``day``)."""
    month, dom = year_end
    close = day + relativedelta(month=month, day=dom)
    return close if close >= day else day + relativedelta(years=1, month=month, day=dom)


def last_close(day: date, year_end: tuple[int, int]) -> date:
    """The last closing of a financial year on or before ``day``."""
    month, dom = year_end
    close = day + relativedelta(month=month, day=dom)
    return close if close <= day else day + relativedelta(years=-1, month=month, day=dom)


def cutoffs(rule: RuleSpec, today: date) -> Cutoffs:
    """Set-based bounds on the start date. With a financial-year statute (L123-22) a record
    leaves the archive when close(start + active) + archive <= today, i.e. when start +
    active <= the last closing on or before today - archive."""
    active = today - rule.duration
    if rule.archive is None:
        return Cutoffs(active, None)
    if rule.archive.year_end is not None:
        bound = last_close(today - rule.archive.duration, rule.archive.year_end)
        return Cutoffs(active, bound - rule.duration)
    return Cutoffs(active, active - rule.archive.duration)


def phase_of(rule: RuleSpec, start: date | None, today: date) -> Phase:
    """Where a row whose latest event is ``start`` stands on ``today``."""
    if start is None:
        return "active"
    end_active = start + rule.duration
    if today < end_active:
        return "active"
    if rule.archive is not None and today < archive_expiry(rule, start):
        return "archive"
    return "ended"


def archive_expiry(rule: RuleSpec, start: date) -> date:
    """When an archived record's own period ends (DEF-R6); under L123-22 the archive counts
    from the closing of the financial year in which the active phase ended."""
    assert rule.archive is not None
    end_active = start + rule.duration
    if rule.archive.year_end is not None:
        end_active = year_close(end_active, rule.archive.year_end)
    return end_active + rule.archive.duration


def erasure_expiry(rule: RuleSpec, start: date) -> date:
    """When a record moved to the archive by an erasure request must be destroyed: the end
    of the legal duty alone, counted from the record's own event as its statute counts
    (Art. 17(3)(b) keeps only what the duty requires, so the rule's active phase does not
    add to it; under L123-22 the ten years run from the closing of the financial year the
    record belongs to, never from the document's date, which would destroy it early)."""
    assert rule.archive is not None
    if rule.archive.year_end is not None:
        start = year_close(start, rule.archive.year_end)
    return start + rule.archive.duration


def due_action(rule: RuleSpec) -> str:
    """What the sweep does when the active phase ends: archive first, if the rule has one."""
    return "archive" if rule.archive is not None else rule.then


def warnings(rules: Iterable[RuleSpec], name: Callable[[str], str] = str) -> list[str]:
    """AF-R0 / DEF-R5: say plainly where the law and the text of the policy disagree, in
    the reader's language; ``name`` gives a rule's words (its id by default)."""
    from garant.i18n import gettext as _
    from garant.policy.wording import category

    out = []
    for rule in rules:
        if rule.archive is not None and rule.archive.identifies:
            claim = _(" (the policy calls it anonymous)") if rule.archive.anonymous_claimed else ""
            statute = rule.archive.statute or _("statute")
            code, _sep, words = statute.partition(": ")
            out.append(
                _(
                    "rule {rule}: the archive keeps {fields} because the legal duty ({statute}) "
                    "requires the identity; it is encrypted and offline but NOT anonymous{claim}"
                ).format(
                    rule=name(rule.id),
                    fields=", ".join(category(f) for f in rule.archive.fields),
                    statute=words if words and "_" in code else statute,
                    claim=claim,
                )
            )
        if rule.archive is not None and not rule.archive.statute:
            out.append(
                _("rule {rule}: the archive phase cites no statute (AF-R0)").format(
                    rule=name(rule.id)
                )
            )
    return out
