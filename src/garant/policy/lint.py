"""Privacy by design, checked (``garant policy check``): what the policy file cannot
express as a type error but a DPO must hear about.

Errors (exit 1) are things the law or the policy's own promises forbid; warnings are
things to confirm. Each finding names its key path (and file:line when the source is
known) and the promise IDs it concerns.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.i18n.labels import label
from garant.policy.countries import EEA, adequacy_gap, needs_safeguard
from garant.policy.findings import Finding, Path
from garant.policy.lint_contract_start import consumer_contract_start
from garant.policy.lint_law import dpia_screening, dpo_required, minors_consent, statutes_apply
from garant.policy.lint_more import cookies, hosting, processors, security_versions
from garant.policy.taxonomy import ART9, CATEGORIES
from garant.policy.walk import tagged_ids
from garant.policy.wording import category
from garant.sourcefile import SourceDocument

if TYPE_CHECKING:
    from garant.policy.models import Policy, RetentionRule

COOKIE_MAX_DAYS = 13 * 30.44 + 1  # CNIL: trackers and consent kept 13 months at most
IDENTITY_CATEGORIES = frozenset({"identification", "contact"})


def check_policy(
    policy: Policy,
    *,
    previous: Policy | None = None,
    systems: list[tuple[str, str | None]] | None = None,
    doc: SourceDocument | None = None,
    day: date | None = None,
) -> list[Finding]:
    """Every finding, errors first. ``previous`` is the last published version (DEF-SEC2);
    ``systems`` the data map's (id, hosting country) pairs (AF-T1); ``day`` the day the
    adequacy decisions must be in effect (none: every listed decision counts)."""
    findings: list[Finding] = list(_transfers(policy, day))
    for check in (
        _activities,
        _retention,
        _special,
        _recipients,
        _forms,
        _rights,
        cookies,
        processors,
        dpo_required,
        dpia_screening,
        statutes_apply,
        consumer_contract_start,
        minors_consent,
    ):
        findings.extend(check(policy))
    if previous is not None:
        findings.extend(security_versions(policy, previous))
    if systems:
        findings.extend(hosting(policy, systems))
    prefixes = {p.split("-")[0] for p in tagged_ids(policy)}
    for f in findings:
        f.promises = [p for p in f.promises if p.split("-")[0] in prefixes] or f.promises
    if doc is not None:
        for f in findings:
            f.where = str(doc.locate(f.path)) if f.path else doc.file
    findings.sort(key=lambda f: 0 if f.severity == "error" else 1)
    return findings


def _activities(policy: Policy) -> Iterator[Finding]:
    for i, a in enumerate(policy.activities):
        at: Path = ("activities", i)
        if a.retention is None:
            yield Finding(
                "error",
                "activity-no-retention",
                _(
                    'activity "{id}" has no retention rule: every purpose must say '
                    "how long its data is kept (GDPR Art. 5(1)(e))"
                ).format(id=a.id),
                (*at,),
                ["AF-PD1"],
            )
        if a.legal_basis == "consent" and a.consent_purpose is None:
            yield Finding(
                "error",
                "consent-no-purpose",
                _(
                    'activity "{id}" rests on consent but names no consent_purpose: '
                    "there is nothing to ask, record or withdraw (GDPR Art. 7)"
                ).format(id=a.id),
                (*at, "legal_basis"),
                ["AF-L1", "AF-L2"],
            )
        if a.consent_purpose and a.legal_basis != "consent":
            yield Finding(
                "warning",
                "purpose-not-consent",
                _(
                    'activity "{id}" names a consent purpose but its legal basis is '
                    "{basis}: withdrawing consent would not stop it"
                ).format(id=a.id, basis=label(a.legal_basis, "legal_basis")),
                (*at, "consent_purpose"),
            )


def _retention(policy: Policy) -> Iterator[Finding]:
    for i, r in enumerate(policy.retention_rules):
        if r.archive is None:
            continue
        at: Path = ("retention_rules", i, "archive")
        statute = policy.statute(r.archive.statute)
        if r.archive.duration.approx_days < statute.minimum.approx_days:
            yield Finding(
                "error",
                "archive-below-statute",
                _(
                    'rule "{rule}" archives for {duration} but {reference} ({statute}) '
                    "requires {minimum}: Garant keeps the records {minimum}, as the law "
                    "requires; correct the published policy"
                ).format(
                    rule=_name(r),
                    duration=r.archive.duration,
                    reference=statute.reference,
                    statute=statute.label.get(current_language()),
                    minimum=statute.minimum,
                ),
                (*at, "duration"),
                ["AF-R0", "DEF-R3"],
            )
        kept = set(r.archive.fields) & IDENTITY_CATEGORIES
        if r.archive.anonymous and kept:
            yield Finding(
                "error",
                "archive-not-anonymous",
                _(
                    'rule "{rule}": the policy says the archive is anonymous, but what '
                    "{reference} requires to be kept names the person ({kept}: a contract, an "
                    "order or an invoice names its client), so it cannot be anonymous. Garant "
                    "keeps it encrypted, off line and readable only through an audited "
                    "restore; say so in the published policy"
                ).format(rule=_name(r), reference=statute.reference, kept=", ".join(sorted(kept))),
                (*at, "anonymous"),
                ["DEF-R5"],
            )


def _name(rule: RetentionRule) -> str:
    """A rule as a reader knows it: its label (the finding's path still names its place)."""
    return rule.label.get(current_language()) if rule.label else rule.id


def _special(policy: Policy) -> Iterator[Finding]:
    for i, a in enumerate(policy.activities):
        art9 = [c for c in a.data_categories if c in ART9]
        if not art9:
            continue
        at: Path = ("activities", i, "data_categories")
        if not policy.processes_special_categories:
            yield Finding(
                "error",
                "art9-declared-none",
                _(
                    'activity "{id}" lists Art. 9 data ({data}) but the '
                    "policy says it processes no special categories"
                ).format(id=a.id, data=", ".join(art9)),
                at,
                ["DEF-C4"],
            )
        if a.art9_condition is None:
            yield Finding(
                "error",
                "art9-no-condition",
                _(
                    'activity "{id}" processes Art. 9 data ({data}) '
                    "without an art9_condition (GDPR Art. 9(2))"
                ).format(id=a.id, data=", ".join(art9)),
                at,
            )
    if not policy.processes_special_categories:
        for i, form in enumerate(policy.forms):
            for j, fld in enumerate(form.fields):
                if fld.category in ART9:
                    yield Finding(
                        "error",
                        "art9-declared-none",
                        _(
                            'form "{form}" asks for {category} (Art. 9) but the '
                            "policy says it processes no special categories"
                        ).format(form=form.id, category=category(fld.category)),
                        ("forms", i, "fields", j, "category"),
                        ["DEF-C4"],
                    )


def _transfers(policy: Policy, day: date | None) -> Iterator[Finding]:
    for i, a in enumerate(policy.activities):
        for j, t in enumerate(a.transfers):
            at = ("activities", i, "transfers", j, "mechanism")
            yield from _transfer(
                t.country, t.mechanism, t.recipient, at, t.within_adequacy_scope, day
            )
    for i, p in enumerate(policy.processors):
        for country in p.countries:
            where: Path = ("processors", i, "transfer")
            yield from _transfer(country, p.transfer, p.name, where, p.within_adequacy_scope, day)
        for j, sub in enumerate(p.sub_processors):
            if needs_safeguard(sub.country) and p.transfer == "none":
                yield Finding(
                    "warning",
                    "subprocessor-transfer",
                    _(
                        "{processor}'s sub-processor {sub} is in {country}, "
                        "a country without adequacy: check the safeguard in the contract"
                    ).format(processor=p.name, sub=sub.name, country=sub.country),
                    ("processors", i, "sub_processors", j),
                    ["AF-T1", "DEF-T1"],
                )


def _transfer(
    country: str, mechanism: str, who: str, at: Path, within_scope: bool, day: date | None
) -> Iterator[Finding]:
    """GDPR Art. 44-46: outside the EEA, adequacy in effect and in scope, or a safeguard."""
    if country in EEA or mechanism not in ("none", "adequacy"):
        return
    gap = adequacy_gap(country, within_scope=within_scope, day=day)
    if gap is None:
        return
    severity, reason = gap
    if mechanism == "none":
        yield Finding(
            severity,
            "transfer-no-safeguard",
            _(
                "{who} receives data in {country}, outside the EEA, with no safeguard: "
                "{reason} (GDPR Art. 46: standard contractual clauses, binding corporate "
                "rules, ...)"
            ).format(who=who, country=country, reason=reason),
            at,
            ["AF-T1", "DEF-T1"],
        )
    else:
        yield Finding(severity, "transfer-no-adequacy", f"{who}: {reason}", at, ["AF-T1", "DEF-T1"])


def _recipients(policy: Policy) -> Iterator[Finding]:
    if policy.exclusive_recipient and policy.processors:
        names = ", ".join(p.name for p in policy.processors)
        yield Finding(
            "warning",
            "exclusive-but-processors",
            _(
                "the policy says the organization is the only recipient of the data, "
                "but it declares processors ({names}): a processor is a recipient too "
                "(GDPR Art. 4(9)); the notice must name them"
            ).format(names=names),
            ("sharing",),
            ["AF-S1"],
        )


def _forms(policy: Policy) -> Iterator[Finding]:
    activities = {a.id: a for a in policy.activities}
    for i, form in enumerate(policy.forms):
        activity = activities.get(form.activity)
        for j, fld in enumerate(form.fields):
            at: Path = ("forms", i, "fields", j)
            if fld.purpose is None:
                yield Finding(
                    "error",
                    "field-no-purpose",
                    _(
                        'form "{form}" field "{field}" has no purpose: collect '
                        "nothing without a reason (GDPR Art. 5(1)(c))"
                    ).format(form=form.id, field=fld.name),
                    at,
                    ["AF-PD1"],
                )
            if activity and fld.category not in activity.data_categories:
                yield Finding(
                    "warning",
                    "field-unneeded",
                    _(
                        'form "{form}" collects {category} ("{field}") which '
                        'activity "{activity}" does not list among its data categories'
                    ).format(
                        form=form.id,
                        category=category(fld.category),
                        field=fld.name,
                        activity=activity.id,
                    ),
                    (*at, "category"),
                    ["AF-PD1"],
                )


def _rights(policy: Policy) -> Iterator[Finding]:
    rights = policy.rights
    if rights is None:
        if policy.activities:
            yield Finding(
                "error",
                "no-rights",
                _(
                    "the policy says nothing of how people exercise their rights "
                    "(GDPR Art. 12 to 22)"
                ),
            )
        return
    entities: list[str | None] = [e.id for e in policy.controller.entities] or [None]
    if all(rights.for_entity(e)[0] == "document" for e in entities):
        yield Finding(
            "warning",
            "identity-document-always",
            _(
                "an identity document is required for every request: the EDPB calls a "
                "systematic copy disproportionate (Guidelines 01/2022 on the right of "
                "access); Garant deletes each copy once the identity is verified"
            ),
            ("rights", "identity_proof"),
            ["DEF-D2"],
        )
    if rights.deadlines.reply.approx_days > 31:
        yield Finding(
            "error",
            "deadline-too-long",
            _("the reply deadline exceeds one month (GDPR Art. 12(3))"),
            ("rights", "deadlines", "reply"),
            ["AF-X2"],
        )
    if rights.deadlines.extension.approx_days > 62:
        yield Finding(
            "error",
            "extension-too-long",
            _("the extension exceeds two months (GDPR Art. 12(3))"),
            ("rights", "deadlines", "extension"),
            ["AF-X2"],
        )


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


__all__ = ["CATEGORIES", "Finding", "check_policy", "errors"]
