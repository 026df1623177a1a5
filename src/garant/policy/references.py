"""Cross-references inside a policy: every id an element names must exist.

These are load errors (the policy cannot be used), each with the key path of the
reference so the loader can give its file:line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from garant.policy.activity_model import SUBJECT_CATEGORIES
from garant.policy.statutes import BUILTIN_STATUTES
from garant.policy.taxonomy import CATEGORIES

if TYPE_CHECKING:
    from garant.policy.models import Policy

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


def _ids(items: Iterable[Any]) -> set[str]:
    return {str(item.id) for item in items}


def _duplicates(items: list[Any], where: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            yield (where, i, "id"), f'"{item.id}" is used twice in {where}'
        seen.add(item.id)


def reference_problems(policy: Policy) -> Iterator[Problem]:
    for section in (
        "activities",
        "retention_rules",
        "consent_purposes",
        "forms",
        "processors",
        "recipients",
        "security_measures",
        "statutes",
        "commitments",
    ):
        yield from _duplicates(getattr(policy, section), section)
    yield from _duplicates(policy.controller.entities, "controller.entities")
    yield from _duplicates(policy.subject_kinds, "subject_kinds")
    yield from _duplicates(policy.events, "events")
    yield from _activity_refs(policy)
    yield from _other_refs(policy)


def _missing(value: str | None, known: set[str], path: Path, what: str) -> Iterator[Problem]:
    if value is not None and value not in known:
        listed = ", ".join(sorted(known)) or "none declared"
        yield path, f'"{value}" is not a {what} of the policy (known: {listed})'


def _activity_refs(policy: Policy) -> Iterator[Problem]:
    entities = _ids(policy.controller.entities)
    rules = _ids(policy.retention_rules)
    purposes = _ids(policy.consent_purposes)
    forms, processors = _ids(policy.forms), _ids(policy.processors)
    recipients, measures = _ids(policy.recipients), _ids(policy.security_measures)
    activities = _ids(policy.activities)
    for i, a in enumerate(policy.activities):
        at: Path = ("activities", i)
        if policy.controller.kind == "group" and a.entity is None:
            yield (*at, "entity"), "is required: in a group every activity belongs to an entity"
        yield from _missing(a.entity, entities, (*at, "entity"), "entity")
        if a.legal_basis == "legitimate_interests" and a.legitimate_interest is None:
            yield (
                (*at, "legal_basis"),
                (
                    "legitimate_interests needs legitimate_interest: the interest pursued, in "
                    "French and English (GDPR Art. 13(1)(d))"
                ),
            )
        yield from _missing(a.retention, rules, (*at, "retention"), "retention rule")
        yield from _missing(
            a.consent_purpose, purposes, (*at, "consent_purpose"), "consent purpose"
        )
        for key, known, what in (
            ("forms", forms, "form"),
            ("processors", processors, "processor"),
            ("recipients", recipients, "recipient"),
            ("security_measures", measures, "security measure"),
            ("compatible_with", activities, "processing activity"),
        ):
            for j, ref in enumerate(getattr(a, key)):
                yield from _missing(ref, known, (*at, key, j), what)
        for cat, rule in a.category_retention.items():
            yield from _missing(rule, rules, (*at, "category_retention", cat), "retention rule")
            if cat not in a.data_categories:
                yield (*at, "category_retention", cat), f'"{cat}" is not among data_categories'
        for j, src in enumerate(a.sources):
            yield from _missing(src.form, forms, (*at, "sources", j, "form"), "form")
        yield from _subjects_and_lists(policy, a, at)


def _subjects_and_lists(policy: Policy, a: Any, at: Path) -> Iterator[Problem]:
    """Persons of a built-in or declared kind; DPIA list items the CNIL's lists hold."""
    from garant.dpia.rules import CNIL_EXEMPT, CNIL_LIST

    kinds = set(SUBJECT_CATEGORIES) | _ids(policy.subject_kinds)
    for j, kind in enumerate(a.data_subjects):
        yield from _missing(kind, kinds, (*at, "data_subjects", j), "category of persons")
    items = set(CNIL_LIST) | set(CNIL_EXEMPT)
    for j, item in enumerate(a.dpia_cnil_list):
        yield from _missing(item, items, (*at, "dpia_cnil_list", j), "CNIL DPIA list item")


def _other_refs(policy: Policy) -> Iterator[Problem]:
    activities, entities = _ids(policy.activities), _ids(policy.controller.entities)
    statutes = _ids(policy.statutes) | set(BUILTIN_STATUTES)
    for i, r in enumerate(policy.retention_rules):
        if r.archive is not None:
            yield from _missing(
                r.archive.statute, statutes, ("retention_rules", i, "archive", "statute"), "statute"
            )
    for i, c in enumerate(policy.consent_purposes):
        yield from _missing(
            c.activity, activities, ("consent_purposes", i, "activity"), "processing activity"
        )
    for i, f in enumerate(policy.forms):
        yield from _missing(f.activity, activities, ("forms", i, "activity"), "processing activity")
        for j, fld in enumerate(f.fields):
            if fld.category not in CATEGORIES:
                yield (
                    ("forms", i, "fields", j, "category"),
                    (f'"{fld.category}" is not a data category (see docs/policy.md)'),
                )
    yield from _more_refs(policy, activities, entities)


def _more_refs(policy: Policy, activities: set[str], entities: set[str]) -> Iterator[Problem]:
    cookie_cats = _ids(policy.cookie_policy.categories) if policy.cookie_policy else set()
    for i, p in enumerate(policy.processors):
        for j, ref in enumerate(p.activities):
            yield from _missing(
                ref, activities, ("processors", i, "activities", j), "processing activity"
            )
    for i, cookie in enumerate(policy.cookies):
        yield from _missing(
            cookie.category, cookie_cats, ("cookies", i, "category"), "cookie category"
        )
    if policy.rights is not None:
        for i, e in enumerate(policy.rights.by_entity):
            yield from _missing(e.entity, entities, ("rights", "by_entity", i, "entity"), "entity")
    for i, d in enumerate(policy.accountability.dpias):
        yield from _missing(
            d.activity,
            activities,
            ("accountability", "dpias", i, "activity"),
            "processing activity",
        )
    for i, m in enumerate(policy.security_measures):
        if m.replaces == m.id:
            yield ("security_measures", i, "replaces"), "a measure cannot replace itself"
