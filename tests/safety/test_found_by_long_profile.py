"""Counterexamples the long profile (``make safety``) found, pinned as worlds.

Each runs the whole checker (tests/safety/checker.py) on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from tests.safety.conftest import Lab
from tests.safety.test_sweep_invariants import sweep_and_check
from tests.safety.world import Ref, Spec, World


def test_row_of_two_owners_stays_while_one_owner_is_restricted(lab: Lab) -> None:
    """Found by ``make safety`` (SQLite, 2026-12-06): a row owned both by a restricted
    row and, through a NOT NULL reference, by a row whose owner was due went with the
    latter, although the restriction (Art. 18) keeps everything its row owns."""
    world = World(
        (
            Spec("date_int", self_ref=True, rule="short", restriction=True, immutable=True, rows=8),
            Spec(
                "date_int", refs=(Ref(0, "owns", False),), self_ref=True, restriction=True, rows=1
            ),
            Spec("int", refs=(Ref(1, "owns", False), Ref(0, "owns", True)), self_ref=True, rows=4),
        ),
        seed=354,
        batch_size=2,
    )
    problems = sweep_and_check(lab, world)
    assert not problems, "\n".join(problems)


def test_plan_and_run_agree_with_self_references_in_batches(lab: Lab) -> None:
    """Found by the long profile (SQLite, 2026-12-06): with batches of 2 over a
    self-referencing collection whose children own each other too, the run deleted a row
    (2020-01-06, 0) the plan had counted as held."""
    world = World(
        (
            Spec("date_int", self_ref=True, rule="short", restriction=True, immutable=True, rows=8),
            Spec("date_int", refs=(Ref(0, "owns", False),), self_ref=True, rows=1),
            Spec(
                "date_int",
                refs=(Ref(0, "owns", False), Ref(1, "owns", True)),
                self_ref=True,
                rows=4,
            ),
        ),
        seed=354,
        batch_size=2,
    )
    problems = sweep_and_check(lab, world)
    assert not problems, "\n".join(problems)
