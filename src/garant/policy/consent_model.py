"""Consent purposes and cookies: what a person is asked to agree to, and in which words."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from garant.policy.activity_model import Mechanism
from garant.policy.common import Country, DurationField, Element, Identifier, Text


class ConsentPurpose(Element):
    id: Identifier
    activity: Identifier
    label: Text
    text: Text
    version: str = "1"
    prospecting_basis: Literal["consent", "soft_opt_in", "opt_out_b2b"] = "consent"
    """Electronic prospecting (CPCE L34-5): consent; soft opt-in for a customer's similar
    products; opt-out for professionals about their professional role."""
    minors_joint_consent: bool = False
    """Below 15, consent is asked of the minor and the holder of parental authority together
    (Loi 78-17 art. 45)."""


class CookieCategory(Element):
    id: Identifier
    label: Text
    description: Text
    consent_required: bool = True


class Cookie(Element):
    name: str
    category: Identifier
    purpose: Text
    lifetime: DurationField
    consent_required: bool = True
    provider: str | None = None
    country: Country | None = None
    """Where the cookie's data goes (the provider's country), for the notice (Art. 13(1)(f))."""
    safeguard: Mechanism | None = None
    """The transfer's safeguard when that country is outside the EEA."""
    safeguard_url: str | None = None


class CookiePolicy(Element):
    """How long a cookie choice is kept and the categories offered (AF-K1, AF-R4)."""

    consent_lifetime: DurationField
    categories: list[CookieCategory] = Field(default_factory=list)
