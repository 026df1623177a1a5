"""The public privacy notice (GDPR Art. 13 and 14), compiled from the policy.

doc = build_notice(policy, "fr", version=3)
to_html(doc) / to_markdown(doc)
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from garant.i18n import gettext as _
from garant.i18n import language
from garant.policy import wording as w
from garant.policy.document import Bullets, Document, Para, Section, Table
from garant.policy.notice_sections import (
    breaches_section,
    commitments_section,
    complaint_section,
    cookies_section,
    rights_section,
    security_section,
    version_section,
)
from garant.policy.transfers import transfers as all_transfers

if TYPE_CHECKING:
    from garant.policy.models import Policy


def build_notice(policy: Policy, lang: str, *, version: tuple[int, date] | None = None) -> Document:
    with language(lang) as lang:
        doc = Document(
            _("Privacy notice"),
            lang,
            intro=[
                Para(
                    _("How {name} processes your personal data, and your rights.").format(
                        name=policy.controller.name
                    )
                )
            ],
        )
        for build in (
            _controller,
            _purposes,
            _data,
            _forms,
            _recipients,
            _transfers,
            _retention,
            rights_section,
            complaint_section,
            security_section,
            breaches_section,
            cookies_section,
            commitments_section,
        ):
            section = build(policy, lang)
            if section is not None:
                doc.sections.append(section)
        doc.sections.append(version_section(policy, version))
        return doc


def _contact_line(label: str, c: object) -> str:
    parts = [getattr(c, k) for k in ("name", "organization", "email", "address", "phone")]
    return _("{label}: {details}").format(label=label, details=", ".join(p for p in parts if p))


def _controller(policy: Policy, lang: str) -> Section:
    c = policy.controller
    s = Section(_("Who is responsible"), id="controller")
    who = ", ".join(x for x in (c.name, c.legal_form, c.address, c.registration) if x)
    s.blocks.append(Para(_("The controller is {who}.").format(who=who)))
    if c.kind == "group":
        s.blocks.append(
            Para(_("The controller is a group; each processing belongs to one of its entities:"))
        )
        s.blocks.append(
            Bullets([", ".join(x for x in (e.name, e.address) if x) for e in c.entities])
        )
    contacts = []
    if policy.contacts.dpo:
        contacts.append(_contact_line(_("Data protection officer"), policy.contacts.dpo))
    if policy.contacts.committee:
        contacts.append(_contact_line(_("GDPR committee"), policy.contacts.committee))
    if contacts:
        s.blocks.append(Bullets(contacts))
    return s


def _purposes(policy: Policy, lang: str) -> Section | None:
    if not policy.activities:
        return None
    rows = []
    group = policy.controller.kind == "group"
    for a in policy.activities:
        basis = w.legal_basis(a.legal_basis)
        if a.legitimate_interest:
            basis += " — " + a.legitimate_interest.get(lang)
        if a.legal_references:
            basis += " (" + w.references(a.legal_references) + ")"
        if a.art9_condition:
            basis += "; " + w.art9_condition(a.art9_condition)
        row = [
            a.name.get(lang),
            "; ".join(p.get(lang) for p in a.purposes),
            basis,
            w.subjects(a.data_subjects, policy),
        ]
        if group:
            row.append(policy.entity(a.entity).name if a.entity else policy.controller.name)
        rows.append(row)
    headers = [_("Processing"), _("Purposes"), _("Legal basis"), _("People concerned")]
    if group:
        headers.append(_("Entity"))  # DEF-O1: who is responsible for each processing
    return Section(
        _("Why we process your data and on what legal basis"), [Table(headers, rows)], id="purposes"
    )


def _data(policy: Policy, lang: str) -> Section | None:
    if not policy.activities:
        return None
    rows = []
    for a in policy.activities:
        sources = "; ".join(src.label.get(lang) for src in a.sources) or "—"
        rows.append(
            [a.name.get(lang), ", ".join(w.category(c) for c in a.data_categories), sources]
        )
    blocks: list[Para | Bullets | Table] = [
        Table([_("Processing"), _("Data"), _("Where it comes from")], rows)
    ]
    decisions = [
        a.name.get(lang) for a in policy.activities if a.automated_decisions or a.profiling
    ]
    blocks.append(
        Para(
            _("Automated decisions or profiling: {which}.").format(
                which=", ".join(decisions) if decisions else _("none")
            )
        )
    )
    if not policy.processes_special_categories:
        blocks.append(Para(_("We process no sensitive data within the meaning of GDPR Art. 9.")))
    return Section(_("The data we process and where it comes from"), blocks, id="data")


def _forms(policy: Policy, lang: str) -> Section | None:
    if not policy.forms:
        return None
    s = Section(
        _("Mandatory fields"),
        [
            Para(
                _(
                    "On our forms, mandatory fields are marked with an asterisk (*). "
                    "Without them your request cannot be handled."
                )
            )
        ],
        id="forms",
    )
    for form in policy.forms:
        rows = [
            [
                f.label.get(lang) + (" *" if f.mandatory else ""),
                f.purpose.get(lang) if f.purpose else "—",
                f.consequence.get(lang) if f.consequence else _("optional"),
                w.legal_nature(f.legal_nature),
            ]
            for f in form.fields
        ]
        s.blocks.append(
            Table(
                [_("Field"), _("Purpose"), _("If you do not answer"), _("Obligation")],
                rows,
                caption=form.title.get(lang),
            )
        )
    return s


def _recipients(policy: Policy, lang: str) -> Section:
    s = Section(_("Who receives your data"), id="recipients")
    if policy.exclusive_recipient:
        s.blocks.append(
            Para(
                _("{name} does not share your data and remains its only recipient.").format(
                    name=policy.controller.name
                )
            )
        )
    if policy.sharing.third_parties_need_consent:
        s.blocks.append(
            Para(
                _(
                    "Your data is never passed to a third party for its own purposes "
                    "without your consent."
                )
            )
        )
    if policy.recipients:
        s.blocks.append(Bullets([r.label.get(lang) for r in policy.recipients]))
    if policy.processors:
        s.blocks.append(
            Para(_("Processors acting on our instructions, under a contract (GDPR Art. 28):"))
        )
        s.blocks.append(
            Bullets(
                [
                    f"{p.name}: {p.service.get(lang)} ({', '.join(map(w.country, p.countries))})"
                    for p in policy.processors
                ]
            )
        )
    if policy.sharing.injunctions and policy.sharing.injunctions.allowed:
        s.blocks.append(
            Para(
                _(
                    "Your data may be disclosed to a judicial or administrative "
                    "authority under an injunction; each disclosure is recorded."
                )
            )
        )
    return s


def _transfers(policy: Policy, lang: str) -> Section:
    s = Section(_("Transfers outside the European Union"), id="transfers")
    if policy.hosting_country:
        s.blocks.append(
            Para(
                _("Your data is hosted in {country}.").format(
                    country=w.country(policy.hosting_country)
                )
            )
        )
    lines = all_transfers(policy)
    if not lines:
        s.blocks.append(Para(_("Your data is not transferred outside the European Union.")))
        return s
    rows = []
    for t in lines:
        who = t.recipient
        if t.via:
            who = _("{name} (sub-processor of {processor})").format(
                name=t.recipient, processor=t.via
            )
        rows.append([who, w.country(t.country), w.mechanism(t.mechanism), t.url or "—"])
    s.blocks.append(
        Table([_("Recipient"), _("Country"), _("Safeguard"), _("Where to read it")], rows)
    )
    return s


def _retention(policy: Policy, lang: str) -> Section | None:
    if not policy.activities:
        return None
    rows = []
    for a in policy.activities:
        rule = policy.retention_rule(a.retention) if a.retention else None
        text = w.retention(policy, rule) if rule else "—"
        for cat, rule_id in a.category_retention.items():
            other = policy.retention_rule(rule_id)
            text += f" {w.category(cat)}: {w.retention(policy, other)}"
        rows.append([a.name.get(lang), text])
    extra = [
        [r.label.get(lang) if r.label else r.id, w.retention(policy, r)]
        for r in policy.retention_rules
        if r.governs
    ]
    blocks: list[Para | Bullets | Table] = [
        Table([_("Processing"), _("How long we keep your data")], rows)
    ]
    if extra:
        blocks.append(Table([_("Records"), _("How long we keep them")], extra))
    return Section(_("How long we keep your data"), blocks, id="retention")
