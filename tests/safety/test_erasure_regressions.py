"""Named worlds for the erasure's kill -9 and resume (tests/safety/test_erasure_crash_resume.py).

Each pins a shape and a kill point the fixed-seed ``ci`` profile may not draw: the person's
payments under a 10-year duty (archived, then purged) killed after the bundle is written
but before it is recorded, inside the purge's delete, after the purge committed in the
connected database but before the store recorded it, and an erasure rewriting rows
(``pseudonym``, ``mask``) killed inside its update. Every counterexample the harness finds
is added here, named after what went wrong.
"""

from __future__ import annotations

import pytest

from tests.safety.conftest import PROFILE, Lab
from tests.safety.test_erasure_crash_resume import erase_killed
from tests.safety.world import Ref, Spec, World

PAYMENTS = World(
    (
        Spec("int", rule="short", rows=2),
        Spec("int", refs=(Ref(0, "owns", False),), rule="pay", rows=6),
    ),
    seed=7,
)
"""A person (``c0``) whose payments (``c1``, owned, rule ``pay``: archived 10 years) are
moved to the archive (``archive:w.c1``), purged (``purge:w.c1``), then the person erased."""


KILLS = {
    ("inside", 0): "the bundle written, not recorded",
    ("inside", 1): "the purge's delete executed, not committed",
    ("after", 1): "the archive step's bundle recorded in an uncommitted unit of work",
    ("after", 2): "the purge committed in the database, not recorded done",
}
CI_KILLS = [("sqlite", "inside", 0), ("postgres", "after", 2), ("mariadb", "inside", 1)]
"""The ``ci`` profile's share (each example erases twice and starts a process); the other
profiles run every kill on every backend."""
CASES = (
    CI_KILLS
    if PROFILE == "ci"
    else [(b, p, w) for b in ("sqlite", "postgres", "mariadb") for p, w in KILLS]
)


@pytest.mark.parametrize(("backend", "point", "where"), CASES, indirect=["backend"])
def test_payments_under_a_duty_killed_while_archived_resume_once(
    lab: Lab, point: str, where: int
) -> None:
    """DEF-R3: a resumed erasure archives each payment once, in one bundle per destruction
    date, and removes it from the live database; nothing is archived or journalled twice."""
    problems = erase_killed(lab, PAYMENTS, 0, where, point, pinned=True)
    assert not problems, f"killed {point} ({KILLS[(point, where)]}):\n" + "\n".join(problems)


REWRITTEN = World(
    (
        Spec("text_int", rule="short", rows=2),
        Spec("datetime_text", refs=(Ref(0, "owns", False),), rule="anon", rows=5),
    ),
    seed=11,
)
"""Composite keys with text and a timestamp; the pick varies the map so that rows are
rewritten (``_vary_map``), not deleted."""


@pytest.mark.parametrize(
    ("backend", "point"),
    [("sqlite", "inside")]
    if PROFILE == "ci"
    else [(b, p) for b in ("sqlite", "postgres", "mariadb") for p in ("inside", "after")],
    indirect=["backend"],
)
def test_rewritten_rows_with_timestamp_keys_resume_to_the_same_values(lab: Lab, point: str) -> None:
    """A rewrite cut short (or committed but unrecorded) is run again: the values written
    are the same (each strategy is idempotent), and no row is rewritten from a rewrite."""
    pick = 14  # c0: mask (14 % 5), c1: pseudonym ((14 >> 2) % 5): see _rewrites
    problems = erase_killed(lab, REWRITTEN, pick, 0, point, pinned=True)
    assert not problems, f"killed {point}:\n" + "\n".join(problems)
