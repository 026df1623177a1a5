"""Counterexamples the generator found, and the shapes issue 15 reported, pinned as worlds.

Each runs the whole checker (tests/safety/checker.py) on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from tests.safety.conftest import Lab
from tests.safety.test_sweep_invariants import sweep_and_check
from tests.safety.world import Ref, Spec, World


def _holds(lab: Lab, world: World) -> None:
    problems = sweep_and_check(lab, world)
    assert not problems, "\n".join(problems)


def test_person_use_payment_payment_keeps_its_person(lab: Lab) -> None:
    """Issue 15: a payment (1 active year, then a 10-year archive) two levels below a
    person whose own rule expires first is archived before, never deleted with, its
    person; a person whose payment is still active stays."""
    world = World(
        (
            Spec("int", rule="short", rows=8),
            Spec("int", refs=(Ref(0, "owns", False),), rows=8),
            Spec("date_int", refs=(Ref(1, "owns", False),), rule="pay", rows=8),
        ),
        seed=15,
        batch_size=2,
    )
    _holds(lab, world)


def test_household_cycle_with_composite_keys(lab: Lab) -> None:
    """Issue 15 (retailer): households owned by a customer, customers pointing at their
    household, points keyed by (customer, date-time): the sweep finishes, nothing kept
    is lost, no foreign key trips."""
    world = World(
        (
            Spec("int", rule="short", back=1, rows=8),
            Spec("text_int", refs=(Ref(0, "owns", False),), shared=False, rows=4),
            Spec("datetime_text", refs=(Ref(0, "owns", False),), rows=8),
            Spec("date_int", refs=(Ref(0, "owns", True), Ref(1, "context", True)), rule="pay"),
        ),
        seed=757,
        batch_size=3,
    )
    _holds(lab, world)


def test_immutable_collection_is_never_anonymized(lab: Lab) -> None:
    """Found by the generator: an immutable collection under an anonymizing rule was
    rewritten; the binding is now refused with its reason and every row kept."""
    world = World(
        (
            Spec("int", rows=6),
            Spec("int", self_ref=True, shared=True, rows=1),
            Spec("date_int", self_ref=True, rule="anon", immutable=True, rows=2),
        ),
        seed=3,
        batch_size=1,
    )
    _holds(lab, world)


def test_self_references_across_batches(lab: Lab) -> None:
    """Found by the generator (PostgreSQL, MariaDB): rows of one table naming each other
    fell in different batches or steps and the first deletion tripped the foreign key."""
    world = World(
        (
            Spec("datetime_text", self_ref=True, rule="pay", rows=8),
            Spec("datetime_text", self_ref=True, rule="short", rows=8),
        ),
        seed=4,
        batch_size=1,
    )
    _holds(lab, world)


def test_referrer_without_rule_goes_with_its_owner(lab: Lab) -> None:
    """Found by the generator: a row named by a row that this run deletes with its owner
    was counted held by the plan and deleted by the run (plan != run)."""
    world = World(
        (
            Spec("text_int", rows=1),
            Spec("date_int", refs=(Ref(0, "context", False),), rule="short", rows=5),
            Spec("datetime_text", refs=(Ref(1, "context", True), Ref(0, "owns", True)), rule="pay"),
            Spec("date_int", self_ref=True, rule="pay", rows=1),
            Spec(
                "datetime_text",
                refs=(Ref(1, "owns", False), Ref(3, "context", False)),
                self_ref=True,
                rows=1,
            ),
        ),
        seed=18636,
        batch_size=3,
    )
    _holds(lab, world)


def test_live_referrer_without_rule_keeps_the_row_it_names(lab: Lab) -> None:
    """Found by the generator (PostgreSQL): a row named by a live row of a collection
    without a rule was deleted (foreign key error, and the live row lost what it names)."""
    world = World(
        (
            Spec("int", rows=4),
            Spec("datetime_text", refs=(Ref(0, "context", True),), rule="short", rows=8),
            Spec("int", refs=(Ref(1, "context", False),), rows=6),
        ),
        seed=99,
        batch_size=2,
    )
    _holds(lab, world)


def _erasure_holds(lab: Lab, world: World, pick: int) -> None:
    from tests.safety.test_erasure_invariants import erase_and_check

    problems = erase_and_check(lab, world, pick, vary=False)
    assert not problems, "\n".join(problems)


def test_erasure_plan_keeps_a_duty_record_whose_owner_is_held(lab: Lab) -> None:
    """Found by the erasure checker on a three-collection delete cycle (c0 -> c2 -> c1 ->
    c0): a payment keyed ``(code, seq)`` under the archive rule, owned by a row of a
    collection under a legal hold, was planned "moved to the archive" while the move kept
    it live (its owner held): plan and run disagreed. Now planned kept (``archive_held``),
    asked with the move's own predicate."""
    world = World(
        (
            Spec("date_int", back=2, rule="long", rows=5),
            Spec("text_int", refs=(Ref(0, "owns", True),), restriction=True, rows=1),
            Spec("int", refs=(Ref(1, "owns", False),), rows=6),
            Spec("text_int", refs=(Ref(2, "owns", False),), rule="pay", rows=4),
            Spec("int", refs=(Ref(0, "owns", True),), rows=6),
        ),
        seed=2984,
        hold_collection=2,
        batch_size=1,
    )
    _erasure_holds(lab, world, 5962)
