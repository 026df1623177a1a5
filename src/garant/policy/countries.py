"""Where data may go: the EEA and the countries with an adequacy decision (GDPR Art. 45)."""

from __future__ import annotations

EEA = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS LI NO".split()
)
# Commission adequacy decisions in force (US: only for organizations certified under the
# EU-US Data Privacy Framework, which the processor entry must then say).
ADEQUATE = frozenset("AD AR CA FO GG IL IM JP JE NZ KR CH GB UY US".split())


def needs_safeguard(country: str) -> bool:
    """A transfer outside the EEA to a country without adequacy needs Art. 46 safeguards."""
    return country not in EEA and country not in ADEQUATE
