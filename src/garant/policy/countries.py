"""Where data may go: the EEA and the countries with an adequacy decision (GDPR Art. 45).

The decisions, their dates of effect and their scopes are those of
``garant/processors/data/adequacy.yaml`` (dated and sourced there): one list for the
policy's lint and the processors register.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from garant.i18n import gettext as _
from garant.i18n.dates import format_date
from garant.processors.rules import adequacy_decisions

EEA = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS LI NO".split()
)
# Every country with a decision, full or partial (US: only DPF-certified recipients).
ADEQUATE = frozenset(adequacy_decisions())


def needs_safeguard(country: str) -> bool:
    """A transfer outside the EEA to a country without adequacy needs Art. 46 safeguards."""
    return country not in EEA and country not in ADEQUATE


Severity = Literal["error", "warning"]


def adequacy_gap(
    country: str, *, within_scope: bool, day: date | None
) -> tuple[Severity, str] | None:
    """What is missing for a transfer to rely on adequacy alone, as (severity, reason).

    GDPR Art. 45(1): a decision covers "a third country, a territory or one or more
    specified sectors". Implementing Decision (EU) 2023/1795 (US) covers only recipients
    certified under the Data Privacy Framework: without that, a US transfer has no basis
    (error). Japan (2019/419), Korea (2022/254) and Canada (2002/2/EC) cover a scope the
    DPO must confirm (warning). A decision counts from its date of effect.
    """
    if country in EEA:
        return None
    decision = adequacy_decisions().get(country)
    if decision is None:
        return "error", _("{country} has no adequacy decision (GDPR Art. 45)").format(
            country=country
        )
    if day is not None and not decision.in_force(day):
        start = format_date(decision.effective or decision.adopted)
        return "error", _(
            "{country}'s adequacy decision ({decision}) is not in effect on {day} "
            "(in effect from {start})"
        ).format(country=country, decision=decision.decision, day=format_date(day), start=start)
    if decision.scope == "partial" and not within_scope:
        severity: Severity = "error" if decision.condition == "dpf" else "warning"
        return severity, _(
            "{country}'s adequacy decision ({decision}) covers only part of its recipients: "
            "{note}; declare within_adequacy_scope: true or a safeguard"
        ).format(country=country, decision=decision.decision, note=decision.note)
    return None
