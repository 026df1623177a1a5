"""The public privacy notice (GDPR Art. 13 and 14), compiled from the policy.

doc = build_notice(policy, "fr", version=3)
to_html(doc) / to_markdown(doc)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from garant.i18n import gettext as _
from garant.i18n import language
from garant.policy import wording as w
from garant.policy.document import Bullets, Document, Para, Section, Table

if TYPE_CHECKING:
    from garant.policy.models import Policy


def build_notice(policy: Policy, lang: str, *, version: int | None = None) -> Document:
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
            _rights,
            _complaint,
            _security,
            _breaches,
            _cookies,
            _commitments,
        ):
            section = build(policy, lang)
            if section is not None:
                doc.sections.append(section)
        doc.sections.append(_version(policy, version))
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
    for a in policy.activities:
        basis = w.legal_basis(a.legal_basis)
        if a.legitimate_interest:
            basis += " — " + a.legitimate_interest.get(lang)
        rows.append(
            [
                a.name.get(lang),
                "; ".join(p.get(lang) for p in a.purposes),
                basis,
                w.subjects(a.data_subjects),
            ]
        )
    return Section(
        _("Why we process your data and on what legal basis"),
        [Table([_("Processing"), _("Purposes"), _("Legal basis"), _("People concerned")], rows)],
        id="purposes",
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
                _legal_nature(f.legal_nature),
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


def _legal_nature(code: str) -> str:
    return {"contractual": _("contractual"), "legal": _("legal"), "none": _("none")}[code]


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
                    f"{p.name}: {p.service.get(lang)} ({', '.join(p.countries)})"
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
            Para(_("Your data is hosted in {country}.").format(country=policy.hosting_country))
        )
    rows = [
        [t.recipient, t.country, w.mechanism(t.mechanism)]
        for a in policy.activities
        for t in a.transfers
    ]
    rows += [
        [p.name, c, w.mechanism(p.transfer)]
        for p in policy.processors
        for c in p.countries
        if p.transfer != "none"
    ]
    if rows:
        s.blocks.append(
            Table(
                [_("Recipient"), _("Country"), _("Safeguard")],
                [list(r) for r in dict.fromkeys(tuple(r) for r in rows)],
            )
        )
    else:
        s.blocks.append(Para(_("Your data is not transferred outside the European Union.")))
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


def _rights(policy: Policy, lang: str) -> Section:
    s = Section(_("Your rights and how to exercise them"), id="rights")
    kinds = [r.right for r in policy.rights.rights] if policy.rights else []
    kinds = kinds or [
        "access",
        "rectification",
        "erasure",
        "portability",
        "objection",
        "restriction",
        "withdraw_consent",
        "post_mortem",
        "complaint",
    ]
    s.blocks.append(Bullets([f"{w.right(k)[0]}: {w.right(k)[1]}" for k in kinds]))
    r = policy.rights
    if r is None:
        return s
    how = [
        _("Write to us {channels}.").format(channels=", ".join(w.channel(c) for c in r.channels))
    ]
    if r.email:
        how.append(_("Email: {email}").format(email=r.email))
    if r.address:
        how.append(_("Post: {address}").format(address=r.address))
    how.append(w.identity_proof(r.identity_proof))
    for e in r.by_entity:
        if e.identity_proof and e.identity_proof != r.identity_proof:
            how.append(f"{policy.entity(e.entity).name}: {w.identity_proof(e.identity_proof)}")
    how.append(
        _(
            "We answer within {reply} of receipt. For complex or numerous requests this "
            "may be extended by {extension}; we tell you so, with the reason, within the "
            "first month."
        ).format(reply=r.deadlines.reply.words(lang), extension=r.deadlines.extension.words(lang))
    )
    if r.portability.paper_on_request:
        how.append(_("Copies are sent electronically unless you ask for paper."))
    s.blocks.append(Bullets(how))
    if r.exclusions:
        s.blocks.append(
            Para(
                _("These rights never reach: {what}.").format(
                    what="; ".join(x.label.get(lang) for x in r.exclusions)
                )
            )
        )
    return s


def _complaint(policy: Policy, lang: str) -> Section:
    a = policy.supervisory_authority
    s = Section(_("Complaint and remedy"), id="complaint")
    if a is not None:
        where = ", ".join(x for x in (a.name, a.address, a.website) if x)
        s.blocks.append(
            Para(
                _("You may lodge a complaint with the supervisory authority: {where}.").format(
                    where=where
                )
            )
        )
    s.blocks.append(
        Para(_("You may also seek a judicial remedy before the competent court (GDPR Art. 79)."))
    )
    return s


def _security(policy: Policy, lang: str) -> Section | None:
    if not policy.security_measures:
        return None
    return Section(
        _("How we protect your data"),
        [Bullets([m.label.get(lang) for m in policy.security_measures])],
        id="security",
    )


def _breaches(policy: Policy, lang: str) -> Section | None:
    b = policy.breaches
    if b is None:
        return None
    return Section(
        _("Personal data breaches"),
        [
            Bullets(
                [
                    _("Every breach is documented in our breach register."),
                    _(
                        "When a breach is a risk to you, we notify the supervisory authority "
                        "within {hours} hours."
                    ).format(hours=b.authority.hours),
                    _(
                        "When it is a high risk, we inform you directly, unless the data was "
                        "unintelligible, the risk is no longer likely, or it would need "
                        "disproportionate effort (then we inform the public)."
                    ),
                ]
            )
        ],
        id="breaches",
    )


def _cookies(policy: Policy, lang: str) -> Section | None:
    if not policy.cookies and policy.cookie_policy is None:
        return None
    s = Section(_("Cookies"), id="cookies")
    if policy.cookie_policy:
        s.blocks.append(
            Para(
                _(
                    "Your choice about cookies is kept {duration}; you may change it at any time."
                ).format(duration=policy.cookie_policy.consent_lifetime.words(lang))
            )
        )
        s.blocks.append(
            Bullets(
                [
                    f"{c.label.get(lang)}: {c.description.get(lang)}"
                    for c in policy.cookie_policy.categories
                ]
            )
        )
    rows = [
        [
            c.name,
            c.category,
            c.purpose.get(lang),
            c.lifetime.words(lang),
            _("yes") if c.consent_required else _("no"),
        ]
        for c in policy.cookies
    ]
    if rows:
        s.blocks.append(
            Table(
                [_("Cookie"), _("Category"), _("Purpose"), _("Lifetime"), _("Consent needed")], rows
            )
        )
    return s


def _commitments(policy: Policy, lang: str) -> Section | None:
    if not policy.commitments and not policy.design:
        return None
    items = [c.text.get(lang) for c in policy.commitments]
    if policy.design:
        items.append(
            _(
                "Privacy by design and by default: minimization, purpose limitation, "
                "integrity, confidentiality and limited retention (GDPR Art. 25)."
            )
        )
    return Section(_("Our commitments"), [Bullets(items)], id="commitments")


def _version(policy: Policy, version: int | None) -> Section:
    parts = []
    if version is not None:
        parts.append(_("Published version {number}.").format(number=version))
    if policy.version_label:
        parts.append(_("Policy {label}.").format(label=policy.version_label))
    if policy.effective:
        parts.append(_("In force since {date}.").format(date=policy.effective))
    if policy.versioning:
        parts.append(
            _("We bring every new version to your attention ({how}).").format(
                how=", ".join(
                    _("by email") if n == "email" else _("online")
                    for n in policy.versioning.notify_by
                )
            )
        )
    return Section(_("Version"), [Para(" ".join(parts) or _("Unpublished draft."))], id="version")
