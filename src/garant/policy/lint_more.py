"""Lint checks on cookies, processors, hosting and security versions (DEF-SEC2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from garant.policy.findings import Finding
from garant.policy.processor_model import ART28_CLAUSES

if TYPE_CHECKING:
    from garant.policy.models import Policy

COOKIE_MAX_DAYS = 13 * 30.44 + 1  # CNIL: trackers and consent kept 13 months at most


def cookies(policy: Policy) -> Iterator[Finding]:
    for i, c in enumerate(policy.cookies):
        if c.lifetime.approx_days > COOKIE_MAX_DAYS:
            yield Finding(
                "error",
                "cookie-too-long",
                f"cookie {c.name} lives {c.lifetime}: trackers are kept 13 months "
                "at most (CNIL guidelines on cookies)",
                ("cookies", i, "lifetime"),
                ["AF-R4", "DEF-R2"],
            )
    cp = policy.cookie_policy
    if cp is not None and cp.consent_lifetime.approx_days > COOKIE_MAX_DAYS:
        yield Finding(
            "error",
            "cookie-consent-too-long",
            "a cookie choice is kept 13 months at most (CNIL)",
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
                f"{p.name} has no signed contract on record (GDPR Art. 28(3))",
                ("processors", i, "contract"),
                ["AF-SEC2", "DEF-SP1"],
            )
        elif missing:
            yield Finding(
                "warning",
                "processor-clauses",
                f"{p.name}'s contract lacks Art. 28(3) clauses: {', '.join(missing)}",
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
                    f'security measure "{old.id}" went from strength {old.strength} '
                    f"to {new.strength} without a replacement",
                    ("security_measures", i, "strength"),
                    ["DEF-SEC2"],
                )
        elif old.id not in replaced:
            yield Finding(
                "error",
                "security-removed",
                f'security measure "{old.id}" ({old.label.en}) was removed without '
                "a measure that replaces it",
                ("security_measures",),
                ["DEF-SEC2"],
            )
        elif replaced[old.id].strength < old.strength:
            yield Finding(
                "error",
                "security-weakened",
                f'"{replaced[old.id].id}" replaces "{old.id}" with a lower strength',
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
                f"system {system_id} is hosted in {country} but the policy promises "
                f"hosting in {promised}",
                ("hosting", "country"),
                ["AF-T1"],
            )
