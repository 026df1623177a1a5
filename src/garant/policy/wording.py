"""Plain words for the policy's codes, in the language of the moment (notice, register,
form notices). Call inside ``garant.i18n.language(lang)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.policy.activity_model import SUBJECT_CATEGORIES
from garant.policy.taxonomy import CATEGORIES

if TYPE_CHECKING:
    from garant.policy.models import LegalReference, Policy, RetentionRule


def legal_basis(code: str) -> str:
    return {
        "consent": _("Consent (GDPR Art. 6(1)(a))"),
        "contract": _("Performance of a contract or pre-contractual steps (GDPR Art. 6(1)(b))"),
        "legal_obligation": _("Compliance with a legal obligation (GDPR Art. 6(1)(c))"),
        "vital_interests": _("Vital interests (GDPR Art. 6(1)(d))"),
        "public_task": _("Task in the public interest (GDPR Art. 6(1)(e))"),
        "legitimate_interests": _("Legitimate interests (GDPR Art. 6(1)(f))"),
    }.get(code, code)


def event(code: str, policy: Policy | None = None) -> str:
    """An event in words: the policy's own label first, then the built-in ones."""
    own = policy.event_label(code, current_language()) if policy is not None else None
    if own is not None:
        return own
    return {
        "collected": _("collection"),
        "last_click": _("the last click in one of our emails"),
        "documentation_request": _("the last request for documentation"),
        "last_login": _("the last login"),
        "handled": _("the end of the handling of the request"),
        "issued": _("the date of issue"),
        "closed": _("the closing of the request"),
        "verified": _("the identity check"),
        "objected": _("the objection"),
        "given": _("the choice"),
        "ended": _("the end of the contract"),
        "last_contract": _("the end of the last contract"),
        "last_contact": _("the last contact"),
        "registered": _("the registration"),
        "submitted": _("the submission"),
        "logged": _("the connection"),
        "email_open": _("opening an email"),
        "mail_sent": _("a mail we sent"),
        "received": _("the receipt"),
        "left_function": _("the end of the person's duties"),
        "account_closed": _("the closing of the account"),
        "relationship_end": _("the end of the business relationship"),
        "operation": _("the operation"),
        "delivery": _("the delivery"),
        "decision": _("the decision"),
        "file_closed": _("the closing of the file"),
        "majority": _("the person's coming of age"),
    }.get(code, code.replace("_", " "))


def hold(code: str) -> str:
    return {
        "open_contract": _("a contract is open"),
        "active_learner": _("you are still an active learner"),
        "unpaid_invoice": _("an invoice is unpaid"),
        "pending_request": _("a request of yours is being handled"),
        "restriction": _("processing is restricted at your request"),
        "legal_hold": _("a legal hold applies (litigation, investigation)"),
    }.get(code, code)


def right(code: str) -> tuple[str, str]:
    """The right's name and what it gives, in plain words."""
    return {
        "access": (
            _("Right of access"),
            _(
                "Confirmation that we process your data, a copy of "
                "all of it and the information about its processing (GDPR Art. 15)."
            ),
        ),
        "rectification": (
            _("Right to rectification"),
            _("Correction of inaccurate data and completion of incomplete data (GDPR Art. 16)."),
        ),
        "erasure": (
            _("Right to erasure"),
            _(
                "Deletion of your data, except where the law "
                "requires us to keep it; we tell you what is kept and why (GDPR Art. 17)."
            ),
        ),
        "portability": (
            _("Right to data portability"),
            _(
                "The data you gave us, in an open "
                "machine-readable format, or sent to another organization (GDPR "
                "Art. 20)."
            ),
        ),
        "objection": (
            _("Right to object"),
            _(
                "Objection on grounds relating to your "
                "situation; to commercial prospecting at any time, without giving a "
                "reason (GDPR Art. 21)."
            ),
        ),
        "restriction": (
            _("Right to restriction"),
            _(
                "Your data kept but no longer used while "
                "its accuracy is contested, an objection is examined, or you need it "
                "for a legal claim (GDPR Art. 18)."
            ),
        ),
        "withdraw_consent": (
            _("Right to withdraw consent"),
            _(
                "At any time, without affecting "
                "the lawfulness of earlier processing (GDPR Art. 7(3))."
            ),
        ),
        "post_mortem": (
            _("Directives after death"),
            _(
                "Instructions on the keeping, erasure "
                "and communication of your data after your death, which you may "
                "change or revoke at any time (Loi Informatique et Libertés, art. 85)."
            ),
        ),
        "complaint": (
            _("Right to lodge a complaint"),
            _(
                "With the supervisory authority, "
                "and to seek a judicial remedy (GDPR Art. 77 and 79)."
            ),
        ),
    }.get(code, (code, ""))


def channel(code: str, external_url: str | None = None) -> str:
    if code == "external":
        return _("through the form at {url}").format(url=external_url or "")
    return {
        "web": _("online, in the privacy center"),
        "email": _("by email"),
        "post": _("by post"),
        "api": _("through our systems"),
    }.get(code, code)


def art9_condition(code: str | None) -> str:
    """GDPR Art. 9(2)(a)-(j) in words, never the id."""
    if code is None:
        return ""
    return {
        "explicit_consent": _("Explicit consent (GDPR Art. 9(2)(a))"),
        "employment": _("Obligations in employment and social security law (GDPR Art. 9(2)(b))"),
        "vital_interests": _("Vital interests (GDPR Art. 9(2)(c))"),
        "non_profit_body": _("Legitimate activities of a non-profit body (GDPR Art. 9(2)(d))"),
        "made_public": _("Data manifestly made public by the person (GDPR Art. 9(2)(e))"),
        "legal_claims": _("Legal claims (GDPR Art. 9(2)(f))"),
        "substantial_public_interest": _("Substantial public interest (GDPR Art. 9(2)(g))"),
        "health_care": _("Preventive medicine, medical diagnosis, care (GDPR Art. 9(2)(h))"),
        "public_health": _("Public interest in public health (GDPR Art. 9(2)(i))"),
        "archiving_research": _(
            "Archiving in the public interest, research or statistics (GDPR Art. 9(2)(j))"
        ),
    }.get(code, code)


def references(items: list[LegalReference]) -> str:
    """The texts behind a public task or legal obligation, joined for a table cell."""
    return "; ".join(r.cite() for r in items)


def legal_nature(code: str) -> str:
    return {
        "contractual": _("contractual"),
        "legal": _("legal"),
        "public_task": _("required for our public task"),
        "none": _("none"),
    }.get(code, code)


def cookie_category(policy: Policy, code: str) -> str:
    cats = policy.cookie_policy.categories if policy.cookie_policy else []
    found = next((c for c in cats if c.id == code), None)
    return found.label.get(current_language()) if found else code


def identity_proof(code: str) -> str:
    return {
        "none": _("No proof of identity is asked."),
        "code": _("We check your identity with a code sent to your email address."),
        "customer_number": _(
            "Give a proof of identity such as your file, customer or member number."
        ),
        "document": _(
            "Attach a copy of a valid identity document; we delete it once your "
            "identity is checked."
        ),
    }.get(code, code)


def mechanism(code: str) -> str:
    return {
        "adequacy": _("adequacy decision of the European Commission"),
        "scc": _("standard contractual clauses of the European Commission"),
        "bcr": _("binding corporate rules"),
        "code_of_conduct": _("code of conduct"),
        "certification": _("an approved certification mechanism"),
        "derogation": _("derogation for a specific situation (GDPR Art. 49)"),
        "none": _("none"),
    }.get(code, code)


def country(code: str) -> str:
    """The country's name in the language of the moment (FR: France)."""
    from babel import Locale

    names = Locale.parse(current_language()).territories
    return str(names.get(code, code))


def category(code: str) -> str:
    found = CATEGORIES.get(code)
    return found.label(current_language()) if found else code


def subjects(codes: list[str], policy: Policy | None = None) -> str:
    """The categories of persons in words; a policy's own kinds with their labels."""
    lang = current_language()
    if policy is not None:
        return ", ".join(policy.subject_label(c, lang) for c in codes)
    return ", ".join(
        SUBJECT_CATEGORIES[c].get(lang) if c in SUBJECT_CATEGORIES else c for c in codes
    )


def _start(rule: RetentionRule, policy: Policy | None = None) -> str:
    events = [event(e, policy) for e in rule.start.latest]
    if len(events) == 1:
        text = _("from {event}").format(event=events[0])
    else:
        text = _("from the latest of: {events}").format(events=", ".join(events))
    if rule.start.ignored:
        ignored = ", ".join(event(e, policy) for e in rule.start.ignored)
        text += _(" ({events} do not count)").format(events=ignored)
    if rule.start.related is not None:
        text += _(", and at the latest from {event} of the record it depends on").format(
            event=event(rule.start.related.event, policy)
        )
    return text


def retention(policy: Policy, rule: RetentionRule) -> str:
    """One rule in plain words: duration, start, holds, archive and statute, the end."""
    lang = current_language()
    if rule.duration.approx_days == 0:
        text = _("Kept until {events}").format(
            events=_(" or ").join(event(e, policy) for e in rule.start.latest)
        )
    else:
        text = f"{rule.duration.words(lang)} {_start(rule, policy)}"
    if rule.held_while:
        text += _(", and for as long as {conditions}").format(
            conditions=_(" or ").join(hold(h) for h in rule.held_while)
        )
    if rule.archive is not None:
        statute = policy.statute(rule.archive.statute)
        kept = policy.archive_duration(rule)
        text += _(
            "; then kept in an intermediate archive, apart and restricted, for "
            "{duration} ({statute})"
        ).format(duration=(kept or rule.archive.duration).words(lang), statute=statute.reference)
    text += _("; then anonymized.") if rule.then == "anonymize" else _("; then deleted.")
    if rule.legal_references:
        text += " " + _("Legal basis of this period: {texts}.").format(
            texts=references(rule.legal_references)
        )
    return text[0].upper() + text[1:]
