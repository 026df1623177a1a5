"""Helpers for the breach tests: a policy with a DPO, recording a breach."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from garant.app import Garant
from garant.breaches.models import Breach
from garant.breaches.schemas import BreachCreate
from garant.breaches.service import record_breach
from garant.clock import FixedClock
from garant.store.uow import Actor

POLICY_WITH_DPO = """\
controller:
  name: Alliance Test
  address: 101 boulevard Raspail, 75006 Paris
contacts:
  dpo:
    name: Claire Martin
    email: dpo@alliance.test
    phone: "+33 1 45 44 38 28"
timezone: Europe/Paris
country: FR
languages: [fr, en]
"""

DPO = Actor("staff", "dpo@alliance.test", "dpo")


@pytest.fixture
def dpo_garant(make_garant: Callable[..., Garant], store_url: str) -> Garant:
    """A Garant whose policy names a DPO, on SQLite and on PostgreSQL."""
    return make_garant(policy=POLICY_WITH_DPO, url=store_url)


def record(garant: Garant, aware_at: datetime, **fields: Any) -> Breach:
    garant.clock = FixedClock(aware_at)
    data = {
        "title": "Lost laptop",
        "nature": ["confidentiality"],
        "aware_at": aware_at,
        "description": "A laptop with the members' file was stolen from a car.",
        "data_categories": ["identification", "contact"],
        "persons_approx": 1200,
        "records_approx": 1500,
        "person_categories": ["members"],
        "likely_consequences": "Phishing using the members' names and emails.",
        "measures_taken": "Remote wipe requested; passwords reset.",
        "systems": [],
        "reported_by": "IT desk",
    } | fields
    with garant.unit_of_work(DPO) as uow:
        breach = record_breach(uow=uow, data=BreachCreate.model_validate(data))
        return breach


PASSWORD = "correct horse battery"


@pytest.fixture
def staffed_dpo(dpo_garant: Garant) -> Garant:
    """The DPO workspace with a DPO, a privacy officer and an auditor who can log in."""
    from garant.accounts.service import add_user

    with dpo_garant.unit_of_work() as uow:
        for role in ("dpo", "privacy", "auditor", "finance"):
            add_user(uow=uow, email=f"{role}@staff.example", role=role, password=PASSWORD)
    return dpo_garant


@pytest.fixture
def api_tokens(staffed_dpo: Garant) -> dict[str, str]:
    from garant.accounts.service import issue_token

    with staffed_dpo.unit_of_work() as uow:
        return {
            role: issue_token(uow=uow, email=f"{role}@staff.example", name="t")
            for role in ("dpo", "privacy", "auditor", "finance")
        }
