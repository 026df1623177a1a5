"""Lint checks on cookies, processors, hosting and security versions (DEF-SEC2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.policy.findings import Finding
from garant.policy.processor_model import ART28_CLAUSES

if TYPE_CHECKING:
    from garant.policy.models import Policy

COOKIE_MAX_DAYS = 13 * 30.44 + 1  # CNIL: trackers and consent kept 13 months at most


def _words(measure: Any) -> str:
    """A security measure as the policy names it in the reader's language."""
    return str(measure.label.get(current_language()))


def _clause(code: str) -> str:
    """An Art. 28(3) clause in words (the register's wording of each clause)."""
    from garant.processors.rules import CLAUSES

    return _(CLAUSES[code]) if code in CLAUSES else code


def cookies(policy: Policy) -> Iterator[Finding]:
    for i, c in enumerate(policy.cookies):
        if c.lifetime.approx_days > COOKIE_MAX_DAYS:
            yield Finding(
                "error",
                "cookie-too-long",
                _(
                    "cookie {name} lives {lifetime}: trackers are kept 13 months "
                    "at most (CNIL guidelines on cookies)"
                ).format(name=c.name, lifetime=c.lifetime),
                ("cookies", i, "lifetime"),
                ["AF-R4", "DEF-R2"],
            )
    cp = policy.cookie_policy
    if cp is not None and cp.consent_lifetime.approx_days > COOKIE_MAX_DAYS:
        yield Finding(
            "error",
            "cookie-consent-too-long",
            _("a cookie choice is kept 13 months at most (CNIL)"),
            ("cookie_policy", "consent_lifetime"),
            ["AF-R4"],
        )


def processors(policy: Policy) -> Iterator[Finding]:
    for i, p in enumerate(policy.processors):
        missing = [c for c in ART28_CLAUSES if c not in p.contract.clauses]
        if p.contract.signed is None:
            yield Finding(
                "warning",
                "processor-no-contract",
                _("{name} has no signed contract on record (GDPR Art. 28(3))").format(name=p.name),
                ("processors", i, "contract"),
                ["AF-SEC2", "DEF-SP1"],
            )
        elif missing:
            yield Finding(
                "warning",
                "processor-clauses",
                _("{name}'s contract lacks Art. 28(3) clauses: {clauses}").format(
                    name=p.name, clauses="; ".join(_clause(c) for c in missing)
                ),
                ("processors", i, "contract", "clauses"),
                ["AF-SEC2", "DEF-SP1"],
            )


def security_versions(policy: Policy, previous: Policy) -> Iterator[Finding]:
    """DEF-SEC2: a change of security means never lowers the level."""
    now = {m.id: m for m in policy.security_measures}
    replaced = {m.replaces: m for m in policy.security_measures if m.replaces}
    for old in previous.security_measures:
        if old.id in now:
            new = now[old.id]
            if new.strength < old.strength:
                i = policy.security_measures.index(new)
                yield Finding(
                    "error",
                    "security-weakened",
                    _(
                        'security measure "{measure}" went from strength {before} '
                        "to {after} without a replacement"
                    ).format(measure=_words(new), before=old.strength, after=new.strength),
                    ("security_measures", i, "strength"),
                    ["DEF-SEC2"],
                )
        elif old.id not in replaced:
            yield Finding(
                "error",
                "security-removed",
                _(
                    'security measure "{measure}" was removed without a measure that replaces it'
                ).format(measure=_words(old)),
                ("security_measures",),
                ["DEF-SEC2"],
            )
        elif replaced[old.id].strength < old.strength:
            yield Finding(
                "error",
                "security-weakened",
                _('"{new}" replaces "{old}" with a lower strength').format(
                    new=_words(replaced[old.id]), old=_words(old)
                ),
                ("security_measures",),
                ["DEF-SEC2"],
            )


def hosting(policy: Policy, systems: list[tuple[str, str | None]]) -> Iterator[Finding]:
    promised = policy.hosting_country
    if promised is None:
        return
    for system_id, country in systems:
        if country and country != promised:
            yield Finding(
                "error",
                "hosting-outside",
                _(
                    "system {system} is hosted in {country} but the policy promises "
                    "hosting in {promised}"
                ).format(system=system_id, country=country, promised=promised),
                ("hosting", "country"),
                ["AF-T1"],
            )
