"""Cookie consent: the banner's categories from the policy, a visitor's choice and its life.

A choice is anonymous: a random token kept in the visitor's browser names it. It lasts 13
months from the moment it was made, and a later visit never extends it (AF-R4); a refusal
is remembered as well as a consent; the banner asks again after six months by default,
and at once when the policy's cookie list changes. Global Privacy Control (``Sec-GPC: 1``,
``navigator.globalPrivacyControl``) counts as a refusal of every optional category.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete

from garant.consent import rules
from garant.consent.models import CookieChoice
from garant.consent.purposes import cookie_categories, cookie_lifetime, cookie_list, cookie_version
from garant.errors import InvalidInput
from garant.i18n import translate
from garant.store.uow import UnitOfWork
from garant.throttle.rules import Rule

CHOICES_PER_CLIENT = Rule("cookies.choice.client", limit=60, window=timedelta(hours=1))
"""A visitor chooses once per 13 months; a flood of choices (a row and an audit event
each, no login) from one address is refused."""

CATEGORY_LABELS = {
    "necessary": "Strictly necessary",
    "essential": "Strictly necessary",
    "functional": "Functional",
    "preferences": "Preferences",
    "measurement": "Audience measurement",
    "analytics": "Audience measurement",
    "advertising": "Advertising",
    "marketing": "Advertising",
    "social": "Social networks",
}
MEASUREMENT = ("measurement", "analytics")


@dataclass(frozen=True)
class Category:
    id: str
    required: bool
    label: dict[str, str]
    description: dict[str, str]
    cookies: tuple[dict[str, Any], ...]


def categories(uow: UnitOfWork) -> list[Category]:
    """The policy's cookie categories, declared ones first, then any a cookie names.

    A category is required (no consent asked) when the policy says so, or when none of its
    cookies needs consent (CNIL: strictly necessary trackers are exempt).
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    for cookie in cookie_list(uow.garant):
        grouped.setdefault(cookie["category"], []).append(cookie)
    declared = {c["id"]: c for c in cookie_categories(uow.garant)}
    result = []
    for name in [*declared, *(n for n in grouped if n not in declared)]:
        items = grouped.get(name, [])
        meta = declared.get(name)
        required = (
            not meta["consent_required"]
            if meta is not None
            else not any(c["consent_required"] for c in items)
        )
        label = meta["label"] if meta and meta["label"] else {}
        description = meta["description"] if meta else {}
        result.append(Category(name, required, label, description, tuple(items)))
    return result


def required_ids(uow: UnitOfWork) -> list[str]:
    return [c.id for c in categories(uow) if c.required]


def _label(category: Category, lang: str) -> str:
    if category.label.get(lang):
        return category.label[lang]
    fallback = CATEGORY_LABELS.get(category.id, category.id.replace("_", " ").capitalize())
    return translate(lang, fallback)


def banner_config(uow: UnitOfWork, *, lang: str) -> dict[str, Any]:
    """What the banner script shows, in the visitor's language."""

    def t(message: str) -> str:
        return translate(lang, message)

    return {
        "version": current_version(uow),
        "organization": uow.garant.policy.controller.name,
        "categories": [
            {
                "id": c.id,
                "label": _label(c, lang),
                "description": c.description.get(lang, ""),
                "required": c.required,
                "cookies": [
                    {
                        "name": k["name"],
                        "purpose": k["purpose"].get(lang) or k["purpose"].get("en", ""),
                        "lifetime": k["lifetime"],
                    }
                    for k in c.cookies
                ],
            }
            for c in categories(uow)
        ],
        "texts": {
            "title": t("Cookies on this site"),
            "intro": t(
                "We use cookies for the purposes below. Optional cookies are set only if you"
                " accept them; you can change your mind at any time."
            ),
            "accept_all": t("Accept all"),
            "refuse_all": t("Refuse all"),
            "choose": t("Choose"),
            "save": t("Save my choice"),
            "required": t("Always on"),
            "gpc": t("Your browser's Global Privacy Control signal was honoured."),
        },
        "measurement_data_months": 25,
        "choice_months": 13,
    }


def current_version(uow: UnitOfWork) -> str:
    """Cookies and categories as offered now; a choice made on another list is asked again."""
    cats = [(c.id, c.required) for c in categories(uow)]
    return cookie_version(
        [
            *cookie_list(uow.garant),
            *({"name": f"category:{i}", "category": i, "consent_required": not r} for i, r in cats),
        ]
    )


def choice_lifetime(uow: UnitOfWork, chosen_at: datetime) -> datetime:
    """The policy's consent lifetime, never beyond 13 months from the choice (AF-R4)."""
    ceiling = rules.cookie_expiry(chosen_at)
    delta = cookie_lifetime(uow.garant)
    return ceiling if delta is None else min(chosen_at + delta, ceiling)


def _split(uow: UnitOfWork, accepted: list[str], gpc: bool) -> tuple[list[str], list[str]]:
    cats = categories(uow)
    known = {c.id for c in cats}
    unknown = sorted(set(accepted) - known)
    if unknown:
        raise InvalidInput(
            f"unknown cookie categories: {', '.join(unknown)} (the policy declares "
            f"{', '.join(sorted(known)) or 'none'})"
        )
    optional = [c.id for c in cats if not c.required]
    taken = [] if gpc else [c for c in optional if c in accepted]
    return taken, [c for c in optional if c not in taken]


def record_choice(
    *,
    uow: UnitOfWork,
    accepted: list[str],
    gpc: bool = False,
    ip: str | None = None,
    user_agent: str | None = None,
    ask_again_months: int | None = None,
) -> CookieChoice:
    """Record a choice with its proof (AF-C3); GPC refuses every optional category."""
    taken, refused = _split(uow, accepted, gpc)
    now = uow.now()
    choice = CookieChoice(
        id=secrets.token_urlsafe(24),
        accepted=taken,
        refused=refused,
        cookie_version=current_version(uow),
        gpc=gpc,
        chosen_at=now,
        expires_at=choice_lifetime(uow, now),
        ask_again_at=min(rules.cookie_ask_again(now, ask_again_months), choice_lifetime(uow, now)),
    )
    uow.session.add(choice)
    uow.session.flush()
    payload = {k: v for k, v in (("ip", ip), ("user_agent", user_agent)) if v}
    event = uow.audit(
        "cookie.choice",
        "cookie_choice",
        choice.id,
        details={
            "accepted": taken,
            "refused": refused,
            "gpc": gpc,
            "version": choice.cookie_version,
        },
        payload=payload or None,
    )
    choice.audit_seq = event.seq
    return choice


def status(uow: UnitOfWork, token: str | None, *, gpc: bool = False) -> dict[str, Any]:
    """Whether to show the banner, and what the visitor accepted until when."""
    choice = uow.session.get(CookieChoice, token) if token else None
    required = [c.id for c in categories(uow) if c.required]
    now = uow.now()
    if choice is None:
        return {"ask": True, "reason": "no choice", "accepted": required, "gpc": gpc}
    answer: dict[str, Any] = {
        "ask": False,
        "reason": "choice still valid",
        "accepted": required + list(choice.accepted),
        "refused": list(choice.refused),
        "chosen_at": choice.chosen_at.isoformat(),
        "expires_at": choice.expires_at.isoformat(),
        "ask_again_at": choice.ask_again_at.isoformat(),
        "gpc": gpc,
    }
    reason = _why_ask(uow, choice, now, gpc)
    if reason:
        answer.update(ask=True, reason=reason, accepted=required)
    return answer


def _why_ask(uow: UnitOfWork, choice: CookieChoice, now: datetime, gpc: bool) -> str | None:
    if now >= choice.expires_at:
        return "choice expired (13 months)"
    if choice.cookie_version != current_version(uow):
        return "the cookie list changed"
    if now >= choice.ask_again_at:
        return "time to ask again"
    if gpc and choice.accepted:
        return "Global Privacy Control refuses optional cookies"
    return None


def purge_expired(uow: UnitOfWork) -> int:
    """Cookie choices and their proof go 13 months after the choice (AF-R4)."""
    result = uow.session.execute(delete(CookieChoice).where(CookieChoice.expires_at <= uow.now()))
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        uow.audit("cookie.purge", "cookie_choice", None, details={"deleted": count})
    return count
