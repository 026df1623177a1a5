"""The later sections of the public notice: rights, remedies, security, breaches,
cookies, commitments and the version (GDPR Art. 13(2), 14(2))."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from garant.i18n import gettext as _
from garant.policy import wording as w
from garant.policy.document import Bullets, Para, Section, Table

if TYPE_CHECKING:
    from garant.policy.models import Policy


def _consent_somewhere(policy: Policy) -> bool:
    """Consent is a basis (an activity, an explicit Art. 9 consent, a cookie that needs it):
    the right to withdraw it must be stated (GDPR Art. 13(2)(c))."""
    return (
        any(a.legal_basis == "consent" or a.art9_condition == "explicit_consent"
            for a in policy.activities)
        or any(c.consent_required for c in policy.cookies)
    )  # fmt: skip


def declared_rights(policy: Policy) -> list[str]:
    """The rights the notice states: those the policy declares, plus what its bases
    oblige (withdrawal where consent is a basis). Without a declared list, the rights
    that follow from the bases: objection only for public task or legitimate interests
    (Art. 21(1)) or prospecting, portability only for consent or contract (Art. 20(1))."""
    bases = {a.legal_basis for a in policy.activities}
    if policy.rights is not None and policy.rights.rights:
        kinds: list[str] = [r.right for r in policy.rights.rights]
    else:
        kinds = ["access", "rectification", "erasure", "restriction"]
        if bases & {"consent", "contract"}:
            kinds.append("portability")
        if bases & {"public_task", "legitimate_interests"} or _prospecting(policy):
            kinds.append("objection")
        kinds += ["post_mortem", "complaint"]
    if _consent_somewhere(policy) and "withdraw_consent" not in kinds:
        kinds.insert(len(kinds) - ("complaint" in kinds), "withdraw_consent")
    return kinds


# The privacy center's request types for the rights a notice states (the complaint and
# post-mortem directives are not requests made there).
REQUEST_TYPE_OF_RIGHT = {
    "access": "access",
    "rectification": "rectification",
    "erasure": "erasure",
    "portability": "portability",
    "objection": "objection",
    "restriction": "restriction",
    "withdraw_consent": "withdrawal",
}


def offered_request_types(policy: Policy) -> list[str]:
    """What the privacy center's form offers: the rights the notice states, nothing more
    (the rights the law gives are still received by every channel)."""
    kinds = declared_rights(policy)
    return [REQUEST_TYPE_OF_RIGHT[k] for k in kinds if k in REQUEST_TYPE_OF_RIGHT]


def _prospecting(policy: Policy) -> bool:
    no_reason = policy.rights.right("objection") if policy.rights else None
    return policy.marketing is not None or bool(no_reason and no_reason.no_reason_for)


def objection_text(policy: Policy) -> str:
    """Art. 21 in the words that fit the policy's bases: public task (21(1), with the
    compelling grounds), legitimate interests (21(1)), prospecting (21(2), no reason)."""
    bases = {a.legal_basis for a in policy.activities}
    parts = []
    if "public_task" in bases:
        parts.append(
            _(
                "to processing needed for our task in the public interest, on grounds "
                "relating to your particular situation; we then stop unless we show "
                "compelling legitimate grounds (GDPR Art. 21(1))"
            )
        )
    if "legitimate_interests" in bases:
        parts.append(
            _(
                "to processing based on our legitimate interests, on grounds relating to "
                "your particular situation (GDPR Art. 21(1))"
            )
        )
    if _prospecting(policy):
        parts.append(
            _("to commercial prospecting at any time, without giving a reason (GDPR Art. 21(2))")
        )
    if not parts:
        return w.right("objection")[1]
    return _("You may object {what}.").format(what="; ".join(parts))


def rights_section(policy: Policy, lang: str) -> Section:
    s = Section(_("Your rights and how to exercise them"), id="rights")
    items = []
    for k in declared_rights(policy):
        name, text = w.right(k)
        items.append(f"{name}: {objection_text(policy) if k == 'objection' else text}")
    s.blocks.append(Bullets(items))
    r = policy.rights
    if r is None:
        return s
    how = [
        _("Write to us {channels}.").format(
            channels=", ".join(w.channel(c, r.external_url) for c in r.channels)
        )
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


def complaint_section(policy: Policy, lang: str) -> Section:
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


def security_section(policy: Policy, lang: str) -> Section | None:
    if not policy.security_measures:
        return None
    return Section(
        _("How we protect your data"),
        [Bullets([m.label.get(lang) for m in policy.security_measures])],
        id="security",
    )


def breaches_section(policy: Policy, lang: str) -> Section | None:
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


def cookies_section(policy: Policy, lang: str) -> Section | None:
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
    abroad = any(c.country for c in policy.cookies)
    rows = []
    for c in policy.cookies:
        row = [
            c.name,
            w.cookie_category(policy, c.category),
            c.purpose.get(lang),
            c.lifetime.words(lang),
            _("yes") if c.consent_required else _("no"),
        ]
        if abroad:
            where = w.country(c.country) if c.country else "—"
            if c.safeguard and c.safeguard != "none":
                where += f" ({w.mechanism(c.safeguard)})"
            row.append(where)
        rows.append(row)
    if rows:
        headers = [_("Cookie"), _("Category"), _("Purpose"), _("Lifetime"), _("Consent needed")]
        headers += [_("Data sent to")] if abroad else []
        s.blocks.append(Table(headers, rows, code_columns=(0,)))
    if any(c.consent_required for c in policy.cookies):
        s.blocks.append(
            Para(
                _(
                    "You may withdraw your consent to cookies at any time, as easily as you "
                    "gave it, from the cookie settings (GDPR Art. 7(3))."
                )
            )
        )
    return s


def commitments_section(policy: Policy, lang: str) -> Section | None:
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


def in_force(policy: Policy, version: tuple[int, date] | None) -> str:
    """Which version is in force and since when, in the one sentence that the notice and
    the versions page (``/privacy/policy/versions``) both show: the published version
    Garant recorded when there is one, else what the policy file declares, said to be
    not yet published (so the two pages never contradict each other)."""
    from garant.i18n.dates import format_date

    label = policy.version_label
    if version is not None:
        since = policy.effective if policy.effective else version[1]
        text = _("Published version {number}, on {date}.").format(
            number=version[0], date=format_date(version[1])
        )
        if label:
            text += " " + _("Policy {label}.").format(label=label)
        return text + " " + _("In force since {date}.").format(date=format_date(since))
    if not (label or policy.effective):
        return _("Unpublished draft.")
    declared = _("Policy {label}.").format(label=label) if label else ""
    if policy.effective:
        declared += " " + _("In force since {date}.").format(date=format_date(policy.effective))
    return (declared + " " + _("This version has not been published in Garant yet.")).strip()


def version_section(policy: Policy, version: tuple[int, date] | None) -> Section:
    parts = [in_force(policy, version)]
    if policy.versioning:
        parts.append(
            _("We bring every new version to your attention ({how}).").format(
                how=", ".join(
                    _("by email") if n == "email" else _("online")
                    for n in policy.versioning.notify_by
                )
            )
        )
    return Section(_("Version"), [Para(" ".join(parts))], id="version")
