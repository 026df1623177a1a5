"""Erasure counterexamples the long profile (``GARANT_SAFETY_PROFILE=long``) found, pinned.

Each runs the erasure checker (tests/safety/test_erasure_invariants.py) on SQLite,
PostgreSQL and MariaDB.
"""

from __future__ import annotations

from tests.safety.conftest import Lab
from tests.safety.test_erasure_invariants import erase_and_check
from tests.safety.world import Ref, Spec, World


def test_row_the_person_holds_is_not_erased_when_its_owner_is_held_too(lab: Lab) -> None:
    """Found by the long profile (SQLite, 2026-12-06, issue 15): the person is under a legal
    hold and ``c0`` under a collection hold; the person's row in ``c2`` (owned by ``c0``
    through a nullable reference and by ``c1``) was planned erased. A legal hold for legal
    claims overrides erasure (Art. 17(3)(e)): the row is kept and the plan names why."""
    world = World(
        specs=(
            Spec("int", self_ref=True, immutable=True, rows=8),
            Spec("date_int", self_ref=True, restriction=True, rows=3),
            Spec(
                "datetime_text",
                refs=(Ref(0, "owns", True), Ref(1, "owns", False)),
                rule="anon",
                rows=7,
            ),
        ),
        seed=610,
        hold_collection=0,
        hold_person=True,
        batch_size=4,
    )
    problems = erase_and_check(lab, world, 1417)
    assert not problems, "\n".join(problems)
