"""Garant's own consent records under retention (``garant.own_data_rules``).

The ledger itself has no rule here: a consent's proof lives as long as the processing it
allows, then as long as a claim about it can be brought; the person's erasure request
(rights) removes it with the rest of their records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from garant.retention.own import OwnDataRule

if TYPE_CHECKING:
    from garant.app import Garant

RULES = [
    # AF-R4: a cookie choice and its proof last 13 months from the choice.
    OwnDataRule(
        table="cookie_choices",
        date_column="chosen_at",
        rule="cookie_choices",
        default="13 months",
        promise="AF-R4",
    ),
    # AF-R7: an objection's minimal entry, three years.
    OwnDataRule(
        table="suppression_entries",
        date_column="added_at",
        rule="suppression_list",
        default="3 years",
        promise="AF-R7",
    ),
    # A verification code is worthless after its 15 minutes; a day is ample.
    OwnDataRule(
        table="consent_email_codes",
        date_column="created_at",
        rule="consent_email_codes",
        default="1 day",
    ),
]


def declare(garant: Garant) -> None:
    garant.own_data_rules.extend(RULES)
