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


def test_af_d3_a_row_another_persons_row_points_at_is_rewritten_not_deleted() -> None:
    """Pure plan: Bob's note points at Ann's order; Ann's erasure must not delete it."""
    from garant.datamap.models import DataMap
    from garant.subjects.erasure_plan import plan_erasure
    from garant.subjects.schemas import RowSet, SubjectFind

    datamap = DataMap.model_validate(
        {
            "systems": [
                {
                    "id": "s",
                    "kind": "sqlite",
                    "url_env": "X",
                    "collections": [
                        {
                            "name": "orders",
                            "primary_key": "id",
                            "fields": [
                                {
                                    "name": "comment",
                                    "category": "communications",
                                    "label": {"fr": "Commentaire", "en": "Comment"},
                                }
                            ],
                        },
                        {
                            "name": "notes",
                            "primary_key": "id",
                            "references": [
                                {"column": "order_id", "to": "orders", "meaning": "owns"}
                            ],
                        },
                    ],
                }
            ]
        }  # fmt: skip
    )
    system = datamap.system("s")
    orders = RowSet(system, system.collection("orders"), owned={(1,): {"id": 1}, (2,): {"id": 2}})
    notes = RowSet(system, system.collection("notes"), owned={(10,): {"id": 10, "order_id": 1}})
    found = SubjectFind([Identity("email", "ann@x.example")], [orders, notes])
    links = {("s", "orders"): {(1,): {("notes", (10,))}, (2,): {("notes", (20,))}}}
    plan = plan_erasure(found, hasher=lambda p, v: "h", pseudonym=lambda p, v: "p", links=links)
    order_plan = plan.get("s", "orders")
    assert order_plan is not None
    assert order_plan.delete == [(1,)]  # only Ann's own note pointed at it, and it goes too
    assert order_plan.update == [((2,), {"comment": None})]  # note 20 (Bob's) stays
    assert [p.collection for p in plan.collections] == ["notes", "orders"]
