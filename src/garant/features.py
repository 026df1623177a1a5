"""Every feature's wiring into the app: job handlers, schedules, dashboard, key usage.

Explicit on purpose: one list, imported by name, no discovery by string.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from garant.app import Garant


def install_all(garant: Garant) -> None:
    from garant.accountability import wiring as accountability
    from garant.accounts import wiring as accounts
    from garant.audit import wiring as audit
    from garant.breaches import wiring as breaches
    from garant.consent import wiring as consent
    from garant.datamap import wiring as datamap
    from garant.mail import wiring as mail
    from garant.policy import wiring as policy
    from garant.retention import wiring as retention
    from garant.rights import wiring as rights

    for feature in (
        audit,
        accounts,
        mail,
        policy,
        datamap,
        consent,
        retention,
        rights,
        breaches,
        accountability,
    ):
        feature.install(garant)
