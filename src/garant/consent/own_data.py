"""Garant's own consent data under retention, declared for the retention feature.

Until ``garant.retention.own`` defines its rule type, each rule is a plain dict:
the table, the date column it runs from, the duration and why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from garant.app import Garant

RULES: list[dict[str, Any]] = [
    {
        "table": "cookie_choices",
        "date_column": "expires_at",
        "duration": "0 days",
        "why": "AF-R4: a cookie choice and its proof last 13 months from the choice",
    },
    {
        "table": "suppression_entries",
        "date_column": "expires_at",
        "duration": "0 days",
        "why": "AF-R7: an objection's minimal entry is kept three years",
    },
    {
        "table": "consent_email_codes",
        "date_column": "expires_at",
        "duration": "1 day",
        "why": "a verification code is useless once expired",
    },
    {
        "table": "consent_events",
        "date_column": "at",
        "duration": "5 years",
        "after": "the person's last withdrawal (a consent still in force keeps its proof)",
        "why": "proof of consent, kept for the limitation period (Code civil art. 2224)",
    },
]


def declare(garant: Garant) -> None:
    garant.own_data_rules.extend(RULES)
