"""Words for every code of the model, in the language of the moment.

Pages, mails, letters and PDFs never show a code (``legal_obligation``, ``art17_1_a``,
``email_code``): they show ``label(code, kind)``. One table per kind of code, written in
English through ``_()`` so that the French lives in the ``labels`` catalog and the
catalog test sees every entry. A code without a label comes back unchanged, so that the
raw-code test (``tests/i18n/test_no_raw_code.py``) finds it instead of a guess hiding it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from garant.i18n import current_language, language
from garant.i18n import gettext as _


def _rights() -> dict[str, dict[str, str]]:
    return {
        "request_type": {
            "access": _("Access to one's data"),
            "portability": _("Portability of one's data"),
            "rectification": _("Rectification"),
            "erasure": _("Erasure"),
            "restriction": _("Restriction of processing"),
            "objection": _("Objection to processing"),
            "withdrawal": _("Withdrawal of consent"),
            "withdraw_consent": _("Withdrawal of consent"),
            "post_mortem": _("Post-mortem directives"),
            "complaint": _("Complaint"),
        },
        "requester": {
            "person": _("The person themselves"),
            "representative": _("A representative"),
            "parental_authority": _("A holder of parental authority"),
            "heir": _("An heir"),
            "designated": _("The person named in the directives"),
        },
        "channel": {
            "web": _("Privacy center"),
            "email": _("Email"),
            "post": _("Post"),
            "api": _("API"),
        },
        "restriction_ground": {
            "accuracy_contested": _("Accuracy contested (Art. 18(1)(a))"),
            "unlawful_no_erasure": _("Unlawful processing, erasure opposed (Art. 18(1)(b))"),
            "legal_claims": _("Needed for legal claims (Art. 18(1)(c))"),
            "objection_pending": _("Objection being verified (Art. 18(1)(d))"),
        },
        "request_status": {
            "received": _("Request received"),
            "awaiting_identity": _("Awaiting identity check"),
            "verified": _("Identity checked"),
            "awaiting_fee": _("Awaiting fee"),
            "decided": _("Decided"),
            "running": _("Being carried out"),
            "done": _("Carried out"),
            "answered": _("Answered"),
            "refused": _("Request refused"),
            "withdrawn": _("Request withdrawn"),
            "closed": _("Closed"),
        },
        "decision": {
            "grant": _("Granted"),
            "erase": _("Data erased"),
            "keep": _("Kept"),
            "archive": _("Kept in a restricted archive"),
            "stop": _("Processing stopped"),
            "continue": _("Processing continues"),
            "restrict": _("Processing restricted"),
            "rectify": _("Corrected"),
            "withdraw": _("Consent withdrawn"),
            "refuse": _("Refused"),
            "not_applicable": _("Not applicable"),
        },
        "ground": {
            "art17_1_a": _("No longer necessary for the purposes (Art. 17(1)(a))"),
            "art17_1_b": _("Consent withdrawn, no other legal ground (Art. 17(1)(b))"),
            "art17_1_c": _("Objection, no overriding legitimate grounds (Art. 17(1)(c))"),
            "art17_1_d": _("Unlawfully processed (Art. 17(1)(d))"),
            "art17_1_e": _("Legal obligation to erase (Art. 17(1)(e))"),
            "art17_3_b": _("Kept to comply with a legal obligation (Art. 17(3)(b))"),
            "art17_3_e": _("Kept for legal claims (Art. 17(3)(e))"),
            "contract_current": _("Contract in progress"),
            "owns_kept_records": _("Needed to identify records that must be kept"),
            "referenced_by_kept": _("Referred to by records that must be kept"),
            "archive_held": _("Legal hold or restriction"),
            "immutable": _("Kept under a legal obligation"),
            "shared": _("Shared with other people"),
        },
        "identity_method": {
            "none": _("No check needed"),
            "number_match": _("Customer number matched"),
            "email_code": _("Code sent by email"),
            "document": _("Identity document"),
            "staff": _("Checked by staff"),
            "code": _("Code sent by email"),
            "customer_number": _("Customer number"),
        },
        "document_type": {
            "identity_card": _("Identity card"),
            "passport": _("Passport"),
            "driving_licence": _("Driving licence"),
            "residence_permit": _("Residence permit"),
            "other": _("Other"),
        },
        "check_status": {
            "pending": _("Pending"),
            "passed": _("Passed"),
            "verified": _("Passed"),
            "failed": _("Failed"),
            "expired": _("Expired"),
            "rejected": _("Rejected"),
            "locked": _("Locked after too many wrong codes"),
            "superseded": _("Replaced by a newer code"),
            "active": _("Active"),
            "lifted": _("Lifted"),
            "done": _("Done"),
        },
    }


def _policy() -> dict[str, dict[str, str]]:
    return {
        "legal_basis": {
            "consent": _("Consent (Art. 6(1)(a))"),
            "contract": _("Contract (Art. 6(1)(b))"),
            "legal_obligation": _("Legal obligation (Art. 6(1)(c))"),
            "vital_interests": _("Vital interests (Art. 6(1)(d))"),
            "public_task": _("Public task (Art. 6(1)(e))"),
            "legitimate_interests": _("Legitimate interests (Art. 6(1)(f))"),
        },
        "condition": {
            "open_contract": _("Contract in progress"),
            "contract_current": _("Contract in progress"),
            "active_learner": _("Learner currently enrolled"),
            "unpaid_invoice": _("Unpaid invoice"),
            "pending_request": _("Pending rights request"),
            "restriction": _("Restriction of processing"),
            "legal_hold": _("Legal hold"),
            "legal hold (collection)": _("Legal hold on the collection"),
            "legal hold (person)": _("Legal hold on the person"),
            "owner held": _("Held with the record it belongs to"),
            "child under a longer duty": _("A linked record is kept longer"),
        },
        "transfer_mechanism": {
            "adequacy": _("Adequacy decision (Art. 45)"),
            "scc": _("Standard contractual clauses (Art. 46(2)(c))"),
            "bcr": _("Binding corporate rules (Art. 47)"),
            "code_of_conduct": _("Code of conduct (Art. 46(2)(e))"),
            "certification": _("Certification (Art. 46(2)(f))"),
            "derogation": _("Derogation (Art. 49)"),
            "none": _("None"),
        },
        "end_action": {
            "delete": _("Deletion"),
            "anonymize": _("Anonymization"),
            "archive": _("Archiving"),
            "deleted": _("Deleted"),
            "anonymized": _("Anonymized"),
            "archived": _("Archived"),
        },
        "run_status": {
            "running": _("Running"),
            "done": _("Finished"),
            "finished": _("Finished"),
            "failed": _("Failed"),
            "interrupted": _("Interrupted"),
        },
        "retention_phase": {
            "active": _("Active use"),
            "archive": _("Intermediate archive"),
            "ended": _("Ended"),
        },
        "erasure_strategy": {
            "delete_row": _("Row deleted"),
            "null": _("Value emptied"),
            "fixed": _("Replaced by a fixed value"),
            "mask": _("Masked"),
            "keyed_hash": _("Replaced by a keyed hash"),
            "pseudonym": _("Pseudonymized"),
        },
        "severity": {"error": _("Error"), "warning": _("Warning")},
        "policy_section": {  # after "added:" / "changed:" on the versions pages
            "activities": _("processing activities"),
            "retention_rules": _("retention rules"),
            "consent_purposes": _("consent purposes"),
            "processors": _("processors"),
            "recipients": _("recipients"),
            "cookies": _("cookies"),
            "forms": _("collection forms"),
            "security_measures": _("security measures"),
            "statutes": _("statutes"),
            "controller": _("controller"),
            "contacts": _("contacts"),
            "rights": _("rights"),
        },
        "prospecting_basis": {
            "consent": _("Consent"),
            "soft_opt_in": _("Existing customer (soft opt-in)"),
            "opt_out_b2b": _("Professional contact, right to object (B2B)"),
        },
        "role": {
            "dpo": _("Data protection officer"),
            "privacy": _("Privacy team"),
            "finance": _("Finance"),
            "communications": _("Communications"),
            "archivist": _("Archivist"),
            "auditor": _("Auditor"),
            "admin": _("Administrator"),
        },
    }


def _breaches() -> dict[str, dict[str, str]]:
    return {
        "nature": {
            "confidentiality": _("Confidentiality"),
            "integrity": _("Integrity"),
            "availability": _("Availability"),
        },
        "risk": {"none": _("No risk"), "risk": _("Risk"), "high": _("High risk")},
        "exemption": {
            "unintelligible": _("Data unintelligible to others (Art. 34(3)(a))"),
            "risk_no_longer_likely": _("High risk no longer likely (Art. 34(3)(b))"),
            "disproportionate_effort": _("Disproportionate effort (Art. 34(3)(c))"),
        },
        "phase": {"initial": _("Initial notification"), "follow_up": _("Follow-up")},
        "breach_step": {
            "recorded": _("Recorded"),
            "updated": _("Updated"),
            "note": _("Note"),
            "assessed": _("Risk assessed"),
            "override": _("Assessment overridden"),
            "communicated": _("Persons informed"),
            "exempted": _("Exemption from informing recorded"),
            "notified_initial": _("Authority notified"),
            "notified_follow_up": _("Follow-up sent to the authority"),
            "reminder": _("Reminder"),
        },
        "exfiltration": {
            "confirmed": _("Confirmed"),
            "ruled_out": _("Ruled out"),
            "unknown": _("Unknown"),
        },
        "identifiability": {
            "direct": _("Directly identifying"),
            "indirect": _("Indirectly identifying"),
            "pseudonymized": _("Pseudonymized"),
        },
        "service_impact": {"none": _("None"), "minor": _("Minor"), "severe": _("Severe")},
        "outcome": {
            "satisfactory": _("Satisfactory"),
            "findings": _("With findings"),
            "unsatisfactory": _("Unsatisfactory"),
        },
        "disclosure_basis": {
            "injunction": _("Injunction"),
            "court_order": _("Court order"),
            "legal_obligation": _("Legal obligation"),
            "authority_request": _("Request from an authority"),
            "consent": _("Consent of the person"),
            "other": _("Other"),
        },
        "record_kind": {
            "training": _("Training"),
            "confidentiality": _("Confidentiality undertaking"),
            "charter": _("Charter"),
            "procedure": _("Procedure"),
            "security_policy": _("Security policy"),
            "register": _("Register"),
            "dpia": _("Impact assessment (DPIA)"),
            "other": _("Other"),
        },
        "reference": {
            "owns": _("belongs to the person"),
            "context": _("context"),
            "stop": _("not followed"),
        },
        "identity_kind": {
            "email": _("Email address"),
            "phone": _("Phone number"),
            "customer_number": _("Customer number"),
            "member_number": _("Member number"),
        },
        "system_kind": {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL"},
        "check": {
            "retention": _("Retention"),
            "unmapped_columns": _("Columns missing from the data map"),
            "special_categories": _("Special categories of data"),
            "consent": _("Consent"),
            "processor_contracts": _("Processor contracts"),
            "transfers": _("Transfers"),
            "transfer": _("Transfers"),
            "declared_transfers": _("Transfers declared in the policy"),
            "processor_audits": _("Processor audits"),
            "requests": _("Rights requests"),
            "breaches": _("Breaches"),
            "security_measures": _("Security measures"),
            "org_records": _("Organizational records"),
            "dpias": _("Impact assessments"),
            "disclosures": _("Disclosures"),
            "consent_missing": _("Consent missing"),
            "retention_overdue": _("Retention period passed"),
            "retention_no_start": _("Retention start date missing"),
            "processor_audit": _("Processor audits"),
            "processor_contract": _("Processor contracts"),
        },
        "level": {
            "late": _("Late"),
            "risk": _("Risk"),
            "due": _("Due"),
            "info": _("Information"),
        },
        "dpia_decision": {
            "validated": _("Validated"),
            "rejected": _("Rejected"),
            "to_correct": _("To be corrected"),
        },
    }


@cache
def _tables(lang: str) -> dict[str, dict[str, str]]:
    with language(lang):
        return _rights() | _policy() | _breaches()


@cache
def _any(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for table in _tables(lang).values():
        for code, words in table.items():
            merged.setdefault(code, words)
    return merged


def label(code: object, kind: str | None = None) -> str:
    """The words for ``code`` (of ``kind``, e.g. ``legal_basis``); with no kind, the
    first table that knows it. ``None`` and ``""`` give ``""``."""
    if code is None or code == "":
        return ""
    text = str(getattr(code, "value", code))
    lang = current_language()
    if kind is not None:
        return _tables(lang).get(kind, {}).get(text, _any(lang).get(text, text))
    return _any(lang).get(text, text)


def named(policy: Any, code: object) -> str:
    """The policy's own words for one of its ids (an activity, a retention rule, a consent
    purpose, a statute, a recipient), else the label of the code."""
    from garant.errors import GarantError

    if code is None or code == "":
        return ""
    text, lang = str(code), current_language()
    finders = ("activity", "retention_rule", "consent_purpose", "statute", "recipient", "processor")
    for finder in finders:
        try:
            element = getattr(policy, finder)(text)
        except (GarantError, AttributeError):
            continue
        for attr in ("name", "label", "title"):
            words = getattr(element, attr, None)
            if isinstance(words, str):
                return words
            if words is not None and hasattr(words, "get"):
                return str(words.get(lang))
    return label(text)


def event(code: object) -> str:
    """A retention rule's starting event (``last_click``) in words."""
    from garant.policy.wording import event as words

    return words(str(code))


def codes(kind: str) -> dict[str, str]:
    """Every code of ``kind`` with its words: the choices of a form's select."""
    return dict(_tables(current_language()).get(kind, {}))


def yes_no(value: object) -> str:
    """A truth value as a person reads it (never ``True``/``False``)."""
    return _("Yes") if value else _("No")


def kinds() -> list[str]:
    return sorted(_tables(current_language()))
