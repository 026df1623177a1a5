"""What the rights feature reads from the policy, in one place.

The policy model is owned by the policy feature; these accessors read it by attribute
and tolerate the keys a minimal policy leaves out, so a workspace without a ``rights:``
section still answers requests with the law's defaults (a code by email, one month).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from garant.errors import NotFound
from garant.policy.models import Policy


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    found = _get(value, lang) or _get(value, "en") or _get(value, "fr")
    return str(found or "")


@dataclass(frozen=True)
class ActivityView:
    id: str
    legal_basis: str
    names: dict[str, str]
    entity: str | None = None
    consent_purpose: str | None = None
    retention: str | None = None
    recipients: list[str] = field(default_factory=list)
    processors: list[str] = field(default_factory=list)
    purposes: list[dict[str, str]] = field(default_factory=list)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.id


def activities(policy: Policy) -> list[ActivityView]:
    out = []
    for item in _get(policy, "activities", []) or []:
        name = _get(item, "name")
        out.append(
            ActivityView(
                id=str(_get(item, "id")),
                legal_basis=str(_get(item, "legal_basis", "")),
                names={"fr": _text(name, "fr"), "en": _text(name, "en")},
                entity=_get(item, "entity"),
                consent_purpose=_get(item, "consent_purpose"),
                retention=_get(item, "retention"),
                recipients=[str(r) for r in _get(item, "recipients", []) or []],
                processors=[str(p) for p in _get(item, "processors", []) or []],
                purposes=[
                    {"fr": _text(p, "fr"), "en": _text(p, "en")}
                    for p in _get(item, "purposes", []) or []
                ],
            )
        )
    return out


def activity(policy: Policy, activity_id: str | None) -> ActivityView | None:
    return next((a for a in activities(policy) if a.id == activity_id), None)


def identity_proof(policy: Policy, entity: str | None) -> str:
    """``code`` (default), ``customer_number``, ``document`` (DEF-D2) or ``none``."""
    rights = _get(policy, "rights")
    if rights is None:
        return "code"
    for rule in _get(rights, "by_entity", []) or []:
        if _get(rule, "entity") == entity and _get(rule, "identity_proof"):
            return str(_get(rule, "identity_proof"))
    return str(_get(rights, "identity_proof", "code") or "code")


def channels(policy: Policy, entity: str | None) -> list[str]:
    """The channels the policy offers (AF-X1); every channel when it names none."""
    rights = _get(policy, "rights")
    if rights is None:
        return ["web", "email", "post", "api"]
    for rule in _get(rights, "by_entity", []) or []:
        if _get(rule, "entity") == entity and _get(rule, "channels"):
            return [str(c) for c in _get(rule, "channels")]
    return [str(c) for c in _get(rights, "channels", []) or []]


def prospecting_activities(policy: Policy) -> set[str]:
    """Activities objected to without reason (Art. 21(2)-(3), AF-D5)."""
    rights = _get(policy, "rights")
    found: set[str] = set()
    for right in _get(rights, "rights", []) or []:
        if _get(right, "right") == "objection":
            found.update(str(a) for a in _get(right, "no_reason_for", []) or [])
    return found


def retention_rule(policy: Policy, rule_id: str | None) -> Any:
    if not rule_id:
        return None
    return next(
        (r for r in _get(policy, "retention_rules", []) or [] if _get(r, "id") == rule_id), None
    )


def legal_archive(policy: Policy, rule_id: str | None) -> tuple[str, str, str] | None:
    """(duration, statute, exception) when an erasure request archives a rule's records.

    Art. 17(3)(b): a legal obligation keeps data against an erasure request (invoices under
    the commercial code). A limitation period (prescription) is no such duty: an erasure
    request erases those records unless a claim is pending (a legal hold), or unless the
    rule's archive says ``on_erasure: archive``, keeping them as evidence for legal claims
    (Art. 17(3)(e)) for that period, as DEF promises for its contracts (DEF-R3).
    """
    rule = retention_rule(policy, rule_id)
    archive = _get(rule, "archive")
    if archive is None or _get(archive, "on_erasure") == "erase":
        return None
    duration = _get(archive, "duration")
    statute_id = str(_get(archive, "statute") or "")
    reference, label = statute_id, ""
    finder = getattr(policy, "statute", None)
    if callable(finder) and statute_id:
        try:
            found = finder(statute_id)
            reference, label = str(found.reference), _text(found.label, "en")
        except NotFound:  # an unknown statute is the policy lint's to report
            reference = statute_id
    exception = "art17_3_b"
    if "limitation period" in label.lower():
        if _get(archive, "on_erasure") != "archive":
            return None
        exception = "art17_3_e"
    return (str(_get(duration, "text", duration) or ""), reference, exception)


def authority(policy: Policy) -> dict[str, str]:
    """The supervisory authority named in every reply (AF-D9, DEF-D6); the CNIL by default."""
    found = _get(policy, "supervisory_authority") or _get(policy, "authority")
    if found is None:
        return {
            "name": "CNIL",
            "address": "3 Place de Fontenoy, TSA 80715, 75334 Paris Cedex 07",
            "website": "https://www.cnil.fr",
        }
    return {
        "name": str(_get(found, "name", "")),
        "address": str(_get(found, "address", "") or ""),
        "website": str(_get(found, "website", "") or ""),
    }


def controller_name(policy: Policy) -> str:
    return str(_get(_get(policy, "controller"), "name", ""))


def rights_contact(policy: Policy) -> str:
    rights = _get(policy, "rights")
    parts = [str(_get(rights, "email", "") or ""), str(_get(rights, "address", "") or "")]
    return ", ".join(p for p in parts if p)


def dpo_email(policy: Policy) -> str:
    """The DPO's own address, or nothing: a letter never presents the controller's or the
    rights channel's address as the DPO's (Art. 13(1)(b) names the DPO only if there is one)."""
    return str(_get(_get(_get(policy, "contacts"), "dpo"), "email", "") or "")


def dpo_contact(policy: Policy) -> str:
    dpo = _get(_get(policy, "contacts"), "dpo")
    return str(_get(dpo, "email", "") or _get(_get(policy, "rights"), "email", "") or "")
