"""Every feature's wiring into the app: job handlers, schedules, dashboard, key usage.

Explicit on purpose: one list, imported by name, no discovery by string.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from garant.app import Garant


def install_all(garant: Garant) -> None:
    from garant.audit import wiring as audit
    from garant.mail import wiring as mail

    for feature in (audit, mail):
        feature.install(garant)
