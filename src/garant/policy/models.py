"""The policy: the register of processing as code, validated strictly.

Every mapping refuses unknown keys; every element may carry ``promises`` and ``assumed``.
The pieces live in small modules (``controller_model``, ``activity_model``,
``retention_model``, ...) and are gathered here; other features import from here::

    policy.activity("newsletter").retention   # a rule id
    policy.retention_rule("newsletter").duration.delta   # a dateutil relativedelta

The ``policy_versions`` table (published versions) is defined in ``tables`` and imported
here so that the store's metadata finds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import Field, model_validator

from garant.errors import NotFound
from garant.policy.activity_model import Activity, Recipient, Source, Transfer
from garant.policy.common import Contact, Duration, Element, Strict, Text
from garant.policy.consent_model import ConsentPurpose, Cookie, CookieCategory, CookiePolicy
from garant.policy.controller_model import Authority, Contacts, Controller, Entity
from garant.policy.forms_model import Form, FormField
from garant.policy.governance_model import (
    Accountability,
    Breaches,
    Commitment,
    DesignPrinciples,
    Hosting,
    Marketing,
    SecurityMeasure,
    Sharing,
    SpecialCategories,
    Versioning,
)
from garant.policy.processor_model import Processor
from garant.policy.retention_model import ArchivePhase, RetentionRule, Start
from garant.policy.rights_model import Rights
from garant.policy.statutes import BUILTIN_STATUTES, Statute
from garant.policy.tables import PolicyVersion
from garant.policy.vocabulary_model import EventLabel, LegalReference, SubjectKind

T = TypeVar("T")

_LEGACY_KEYS = {
    "hosting_country": ("hosting", "country"),
    "processes_special_categories": ("special_categories", "processed"),
    "exclusive_recipient": ("sharing", "exclusive_recipient"),
}


class Policy(Strict):
    controller: Controller
    contacts: Contacts = Field(default_factory=Contacts)
    supervisory_authority: Authority | None = None
    timezone: str = "Europe/Paris"
    country: str = "FR"
    """The country whose public holidays count for deadlines."""
    languages: list[str] = Field(default_factory=lambda: ["fr", "en"])
    version_label: str | None = None
    effective: str | None = None
    hosting: Hosting | None = None
    special_categories: SpecialCategories = Field(default_factory=SpecialCategories)
    sharing: Sharing = Field(default_factory=Sharing)
    recipients: list[Recipient] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    retention_rules: list[RetentionRule] = Field(default_factory=list)
    statutes: list[Statute] = Field(default_factory=list)
    consent_purposes: list[ConsentPurpose] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    cookie_policy: CookiePolicy | None = None
    cookies: list[Cookie] = Field(default_factory=list)
    rights: Rights | None = None
    processors: list[Processor] = Field(default_factory=list)
    security_measures: list[SecurityMeasure] = Field(default_factory=list)
    breaches: Breaches | None = None
    accountability: Accountability = Field(default_factory=Accountability)
    versioning: Versioning | None = None
    marketing: Marketing | None = None
    design: DesignPrinciples | None = None
    commitments: list[Commitment] = Field(default_factory=list)
    subject_kinds: list[SubjectKind] = Field(default_factory=list)
    """Categories of persons of the policy's own, beside the built-in ones."""
    events: list[EventLabel] = Field(default_factory=list)
    """Labels of the events retention rules start from, beside the built-in ones."""

    @model_validator(mode="before")
    @classmethod
    def _legacy_scalars(cls, data: Any) -> Any:
        """Accept the flat keys of the first contract draft (``hosting_country: FR``)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for flat, (section, key) in _LEGACY_KEYS.items():
            if flat in data and section not in data:
                data[section] = {key: data.pop(flat)}
        return data

    # --- the flat facts other features ask for ------------------------------------
    @property
    def hosting_country(self) -> str | None:
        return self.hosting.country if self.hosting else None

    @property
    def processes_special_categories(self) -> bool:
        return self.special_categories.processed

    @property
    def exclusive_recipient(self) -> bool:
        return self.sharing.exclusive_recipient

    @property
    def entities(self) -> list[Entity]:
        return list(self.controller.entities)

    def subject_label(self, kind: str, lang: str) -> str:
        """A category of persons in words: the policy's own first, then the built-in."""
        from garant.policy.activity_model import SUBJECT_CATEGORIES

        own = next((k for k in self.subject_kinds if k.id == kind), None)
        if own is not None:
            return own.label.get(lang)
        builtin = SUBJECT_CATEGORIES.get(kind)
        return builtin.get(lang) if builtin else kind

    def subject_flags(self, kind: str) -> tuple[bool, bool]:
        """(vulnerable, minors) for a category of persons."""
        from garant.policy.activity_model import MINOR_SUBJECTS, VULNERABLE_SUBJECTS

        own = next((k for k in self.subject_kinds if k.id == kind), None)
        if own is not None:
            return own.vulnerable or own.minors, own.minors
        return kind in VULNERABLE_SUBJECTS, kind in MINOR_SUBJECTS

    def event_label(self, event: str, lang: str) -> str | None:
        own = next((e for e in self.events if e.id == event), None)
        return own.label.get(lang) if own else None

    # --- lookups --------------------------------------------------------------------
    def activity(self, activity_id: str) -> Activity:
        return _find(self.activities, "id", activity_id, "processing activity")

    def retention_rule(self, rule_id: str) -> RetentionRule:
        return _find(self.retention_rules, "id", rule_id, "retention rule")

    def consent_purpose(self, purpose_id: str) -> ConsentPurpose:
        return _find(self.consent_purposes, "id", purpose_id, "consent purpose")

    def entity(self, entity_id: str) -> Entity:
        return _find(self.controller.entities, "id", entity_id, "entity")

    def form(self, form_id: str) -> Form:
        return _find(self.forms, "id", form_id, "form")

    def processor(self, processor_id: str) -> Processor:
        return _find(self.processors, "id", processor_id, "processor")

    def recipient(self, recipient_id: str) -> Recipient:
        return _find(self.recipients, "id", recipient_id, "recipient")

    def security_measure(self, measure_id: str) -> SecurityMeasure:
        return _find(self.security_measures, "id", measure_id, "security measure")

    def cookie_category(self, category_id: str) -> CookieCategory:
        categories = self.cookie_policy.categories if self.cookie_policy else []
        return _find(categories, "id", category_id, "cookie category")

    def statute(self, statute_id: str) -> Statute:
        own = {s.id: s for s in self.statutes}
        found = own.get(statute_id) or BUILTIN_STATUTES.get(statute_id)
        if found is None:
            known = ", ".join(sorted({*own, *BUILTIN_STATUTES}))
            raise NotFound(f'no statute "{statute_id}" (known: {known})')
        return found

    def compatible(self, collected_for: str, used_for: str) -> bool:
        """Whether data collected for one activity may serve another without new consent
        (AF-P2, GDPR Art. 6(4)): the same activity, or one that lists it as compatible."""
        self.activity(collected_for)
        return collected_for == used_for or collected_for in self.activity(used_for).compatible_with

    def rule_governing(self, records: str) -> RetentionRule | None:
        """The rule over Garant's own records of a kind (``rights_requests``, ...)."""
        return next((r for r in self.retention_rules if r.governs == records), None)

    def activities_of(self, entity_id: str | None) -> list[Activity]:
        """An entity's activities; for a single company (``None``) all of them."""
        if entity_id is None:
            return list(self.activities)
        self.entity(entity_id)
        return [a for a in self.activities if a.entity == entity_id]

    def archive_duration(self, rule: RetentionRule) -> Duration | None:
        """How long the archive phase keeps records: the longer of the rule's own duration
        and its statute's minimum. Where a policy promises less than the law requires,
        Garant keeps the law (lint says so)."""
        if rule.archive is None:
            return None
        minimum = self.statute(rule.archive.statute).minimum
        own = rule.archive.duration
        return own if own.approx_days >= minimum.approx_days else minimum


def _find(items: Sequence[T], key: str, value: str, what: str) -> T:
    for item in items:
        if getattr(item, key) == value:
            return item
    known = ", ".join(str(getattr(i, key)) for i in items) or "none"
    raise NotFound(f'no {what} "{value}" in the policy (known: {known})')


__all__ = [
    "Accountability",
    "Activity",
    "ArchivePhase",
    "Authority",
    "Breaches",
    "Commitment",
    "ConsentPurpose",
    "Contact",
    "Contacts",
    "Controller",
    "Cookie",
    "CookieCategory",
    "CookiePolicy",
    "Duration",
    "Element",
    "Entity",
    "EventLabel",
    "Form",
    "FormField",
    "LegalReference",
    "Policy",
    "PolicyVersion",
    "Processor",
    "Recipient",
    "RetentionRule",
    "Rights",
    "SecurityMeasure",
    "Source",
    "Start",
    "Statute",
    "SubjectKind",
    "Text",
    "Transfer",
]
