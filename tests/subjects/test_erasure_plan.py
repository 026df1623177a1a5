"""The erasure plan over the demo databases: only the person's own rows, never context (AF-D3)."""

from __future__ import annotations

from typing import Any

import pytest

from garant.store.uow import SYSTEM
from garant.subjects.erasure_plan import ErasurePlan, mask
from garant.subjects.rules import Identity
from garant.subjects.service import erasure_plan
from tests.subjects.conftest import DemoFactory


def plan_for(garant: Any, email: str) -> ErasurePlan:
    with garant.unit_of_work(SYSTEM) as uow:
        return erasure_plan(uow=uow, identities=[Identity("email", email)], purpose="erasure")


@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_af_d3_plan_only_touches_rows_the_generator_made_for_the_person(
    demo: DemoFactory, example: str
) -> None:
    garant, truth = demo(example, persons=20)
    for person in truth["persons"]:
        plan = plan_for(garant, person["identities"]["email"])
        for step in plan.collections:
            keys = {k[0] for k in step.delete} | {k[0] for k, _ in step.update}
            assert keys <= set(person["owned"].get(step.collection, [])), step.collection
            assert step.collection not in ("addresses", "staff", "courses", "companies",
                                           "events", "entities")  # fmt: skip


def test_strategies_and_immutable_invoices(demo: DemoFactory) -> None:
    garant, truth = demo("alliance-francaise", persons=30)
    person = next(
        p
        for p in truth["persons"]
        if {"invoices", "audience_records", "contact_requests"} <= set(p["owned"])
    )
    plan = plan_for(garant, person["identities"]["email"])
    invoices = plan.get("af", "invoices")
    assert invoices is not None and invoices.kept == len(person["owned"]["invoices"])
    assert "credit note" in (invoices.kept_reason or "") and not invoices.update
    orders = plan.get("af", "orders")
    assert orders is not None and not orders.delete  # invoices still point at them
    learners = plan.get("af", "learners")
    assert learners is not None and not learners.delete
    ((_, change),) = learners.update
    assert change["email"] is None and change["learner_number"].startswith("v1:")
    contact = plan.get("af", "contact_requests")
    assert contact is not None and contact.delete  # no invoice points at a contact request
    audience = plan.get("af", "audience_records")
    assert audience is not None and audience.delete
    order = [p.collection for p in plan.collections]
    assert order.index("order_items") < order.index("orders") < order.index("learners")


def test_mask_keeps_only_the_last_two_characters() -> None:
    assert mask("192.168.1.42") == "**********42"
    assert mask("ab") == "**" and mask(None) is None
