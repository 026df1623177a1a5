"""What the policy says about purposes, reduced to what consent decisions need.

The policy's consent purposes (``consent_purposes``) and activities (legal basis, the
consent purpose they rely on) are read once per parsed policy and kept as small frozen
records, so that a check costs a dictionary lookup, not a walk over the policy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from garant.errors import InvalidInput

if TYPE_CHECKING:
    from garant.app import Garant

PROSPECTING_BASES = ("consent", "soft_opt_in", "opt_out_b2b")
ALL_PURPOSES = "*"


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _text(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"en": value, "fr": value}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {k: str(v) for k, v in value.model_dump().items() if v is not None}


@dataclass(frozen=True)
class Purpose:
    """A consent purpose: what a person says yes or no to (policy ``consent_purposes``)."""

    id: str
    activity: str | None
    label: dict[str, str]
    text: dict[str, str]
    version: str
    basis: str

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.label.get("fr") or self.id

    def text_in(self, lang: str) -> str:
        return self.text.get(lang) or self.text.get("en") or self.text.get("fr") or ""

    def text_hash(self, lang: str) -> str:
        """SHA-256 of the words shown, the proof of what the person agreed to."""
        return hashlib.sha256(self.text_in(lang).encode()).hexdigest()


@dataclass(frozen=True)
class Activity:
    """A processing activity as far as a use check cares: its legal basis and purposes."""

    id: str
    legal_basis: str
    consent_purpose: str | None
    compatible_with: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Catalog:
    purposes: dict[str, Purpose]
    activities: dict[str, Activity]

    def purpose(self, purpose_id: str) -> Purpose:
        """A consent purpose by id; an unknown one is a clear error naming the known ones."""
        found = self.purposes.get(purpose_id)
        if found is None:
            raise InvalidInput(
                f'unknown consent purpose "{purpose_id}"; the policy declares: '
                f"{', '.join(sorted(self.purposes)) or '(none)'}"
            )
        return found

    def known(self, purpose_id: str) -> Purpose | Activity:
        """A consent purpose or an activity; anything else is a clear error."""
        if purpose_id in self.purposes:
            return self.purposes[purpose_id]
        if purpose_id in self.activities:
            return self.activities[purpose_id]
        names = sorted(set(self.purposes) | set(self.activities))
        raise InvalidInput(
            f'unknown purpose "{purpose_id}"; the policy declares consent purposes and '
            f"activities: {', '.join(names) or '(none)'}"
        )

    def activity_of(self, purpose_id: str) -> str | None:
        if purpose_id in self.activities:
            return purpose_id
        found = self.purposes.get(purpose_id)
        return found.activity if found else None


def _purpose(raw: Any) -> Purpose:
    basis = str(_get(raw, "prospecting_basis") or "consent")
    return Purpose(
        id=str(_get(raw, "id")),
        activity=_get(raw, "activity"),
        label=_text(_get(raw, "label")),
        text=_text(_get(raw, "text")),
        version=str(_get(raw, "version") or "1"),
        basis=basis,
    )


def _activity(raw: Any) -> Activity:
    compatible = _get(raw, "compatible_purposes") or _get(raw, "compatible_with") or ()
    return Activity(
        id=str(_get(raw, "id")),
        legal_basis=str(_get(raw, "legal_basis") or ""),
        consent_purpose=_get(raw, "consent_purpose"),
        compatible_with=tuple(str(x) for x in compatible),
    )


def build_catalog(policy: Any) -> Catalog:
    purposes = {p.id: p for p in (_purpose(r) for r in _get(policy, "consent_purposes") or [])}
    activities = {a.id: a for a in (_activity(r) for r in _get(policy, "activities") or [])}
    return Catalog(purposes, activities)


def catalog(garant: Garant) -> Catalog:
    """The catalog of the policy currently loaded; rebuilt after ``garant.reload()``."""
    policy = garant.policy
    cached = garant.extensions.get("consent.catalog")
    if cached is not None and cached[0] is policy:
        return cached[1]  # type: ignore[no-any-return]
    built = build_catalog(policy)
    garant.extensions["consent.catalog"] = (policy, built)
    return built


def cookie_list(garant: Garant) -> list[dict[str, Any]]:
    """The policy's cookies as plain dicts (name, category, purpose, lifetime, consent)."""
    items = []
    for raw in _get(garant.policy, "cookies") or []:
        items.append(
            {
                "name": str(_get(raw, "name")),
                "category": str(_get(raw, "category") or "other"),
                "purpose": _text(_get(raw, "purpose")),
                "lifetime": str(_get(raw, "lifetime") or ""),
                "consent_required": bool(_get(raw, "consent_required", True)),
            }
        )
    return items


def cookie_categories(garant: Garant) -> list[dict[str, Any]]:
    """The categories the policy declares (``cookie_policy.categories``), labels included."""
    cookie_policy = _get(garant.policy, "cookie_policy")
    return [
        {
            "id": str(_get(raw, "id")),
            "label": _text(_get(raw, "label")),
            "description": _text(_get(raw, "description")),
            "consent_required": bool(_get(raw, "consent_required", True)),
        }
        for raw in _get(cookie_policy, "categories") or []
    ]


def cookie_lifetime(garant: Garant) -> Any:
    """The policy's ``cookie_policy.consent_lifetime`` as a relativedelta, if it sets one."""
    lifetime = _get(_get(garant.policy, "cookie_policy"), "consent_lifetime")
    return getattr(lifetime, "delta", None)


def cookie_version(cookies: list[dict[str, Any]]) -> str:
    """A fingerprint of the cookie list: a new cookie or category means asking again."""
    canonical = json.dumps(
        sorted((c["name"], c["category"], c["consent_required"]) for c in cookies)
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
