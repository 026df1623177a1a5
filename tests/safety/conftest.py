"""The safety profiles and one connected database per backend.

``ci`` (the default, in the normal test run): a few fixed-seed examples per backend.
``long`` (``make safety``): thousands of examples, random seeds, counterexamples printed
with the world that produced them (pin each one in ``test_regressions.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from sqlalchemy import create_engine

from garant.app import Garant
from garant.clock import FixedClock
from garant.retention import holds
from tests.conftest import write_workspace
from tests.safety.checker import Holds
from tests.safety.world import POLICY, SYSTEM, TODAY, World, build, datamap, drop, retention_yaml

_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=4, derandomize=True, print_blob=True, **_COMMON)
settings.register_profile("long", max_examples=2000, print_blob=True, **_COMMON)
settings.register_profile(
    "debug", max_examples=30, phases=[Phase.explicit, Phase.generate], derandomize=True, **_COMMON
)
PROFILE = os.environ.get("GARANT_SAFETY_PROFILE", "ci")
settings.load_profile(PROFILE)


CI_EXAMPLES = {"sqlite": 6, "postgresql": 2, "mysql": 3}
"""Examples per backend in the ``ci`` profile: reflecting a schema costs most on PostgreSQL."""


def examples(lab: Lab, budget: dict[str, int] | None = None) -> Callable[[Any], Any]:
    """The profile's settings, with the ``ci`` budget of ``lab``'s backend."""
    if PROFILE != "ci":
        return settings()
    return settings(max_examples=(budget or CI_EXAMPLES)[lab.kind])


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A connected database URL on each backend (fresh database per test)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'world.db'}"
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return str(request.getfixturevalue("mariadb_url"))


KIND = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}


class Lab:
    """One world at a time in one connected database, with a fresh workspace for each."""

    def __init__(self, url: str, root: Path):
        self.url, self.root, self.count = url, root, 0
        self.engine = create_engine(url)
        self.kind = KIND[self.engine.dialect.name]
        self.garant: Garant | None = None
        self.world: World | None = None

    def open(self, world: World) -> Garant:
        self.reset()
        self.count += 1
        self.world = world
        ws = write_workspace(self.root / f"ws{self.count}", policy=POLICY)
        (ws / "datamap.yaml").write_text(datamap(world, self.kind), encoding="utf-8")
        (ws / "retention.yaml").write_text(retention_yaml(world), encoding="utf-8")
        self.rows = build(world, self.engine)
        self.garant = self.reopen()
        return self.garant

    def reopen(self) -> Garant:
        if self.garant is not None:
            self.garant.close()
        from tests.retention.conftest import at

        ws = self.root / f"ws{self.count}"
        self.garant = Garant.open(ws, clock=FixedClock(at(TODAY.isoformat())))
        return self.garant

    def place_holds(self, world: World) -> Holds:
        assert self.garant is not None
        placed = Holds()
        with self.garant.unit_of_work() as uow:
            if world.hold_collection is not None:
                name = world.name(world.hold_collection)
                holds.add_hold(uow=uow, reason="audit", collection=(SYSTEM, name))
                placed.collections.add(world.hold_collection)
            if world.hold_person and self.rows.emails:
                email = self.rows.emails[world.seed % len(self.rows.emails)]
                holds.add_hold(uow=uow, reason="litigation", identity=("email", email))
                placed.emails.add(email.lower())
        return placed

    def reset(self) -> None:
        if self.garant is not None:
            self.garant.close()
            self.garant = None
        if self.world is not None:
            drop(self.world, self.engine)
            self.world = None

    def close(self) -> None:
        self.reset()
        self.engine.dispose()


@pytest.fixture
def lab(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lab]:
    monkeypatch.setenv("GARANT_SAFETY_URL", backend)
    made = Lab(backend, tmp_path)
    yield made
    made.close()
