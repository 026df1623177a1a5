"""Killed at random points (``kill -9`` of a subprocess), a resumed erasure ends in the
state of an uninterrupted one (issue 15).

Each example draws a world (tests/safety/world.py) and one person, and erases them twice
from the same starting point, with the CLI staff use (``request open``, ``verify``,
``decide``, then ``request run --now``): once whole, once in a subprocess that kills
itself (tests/safety/killer.py) before a step, inside a step's transaction in the
connected database (or after an archive bundle is written, before it is recorded), or
after a step's change committed there but before the store records the step done. The
killed run is then resumed with an ordinary ``request run --now`` once its lease has run
out, as staff would the next time they look. Proved:

- right after the kill, every step the store records done really committed: its
  collection already holds what the uninterrupted run left, and its bundles are recorded;
- after the resume: the same live rows (deleted, kept, rewritten), the same archive
  contents (bundle rows and destruction dates), the same steps done, each step audited
  once, the same erasure journal (one entry per row), the request answered, one reply.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

import garant
from garant.audit.models import AuditEvent
from garant.cli.main import build_app
from garant.retention import archive
from garant.rights import typed_json
from garant.rights.models import ErasureJournal, RequestStep
from tests.conftest import REPO
from tests.safety.checker import Snapshot, snapshot
from tests.safety.conftest import Lab, examples
from tests.safety.test_erasure_invariants import _vary_map, event
from tests.safety.world import TODAY, World, worlds

SOURCES = os.pathsep.join([str(Path(garant.__file__).resolve().parents[1]), str(REPO)])
"""The killed process imports the very ``garant`` this test runs (not whichever checkout an
installed package points at), and this repository's ``tests``."""

START = f"{TODAY.isoformat()}T10:00"
RESUME = f"{TODAY.isoformat()}T10:30"
"""The killed run's moment, and the resume's: after the dead run's lease (5 minutes)."""

POINTS = ("before", "inside", "after")
KILL_EXAMPLES = {"sqlite": 2, "postgresql": 1, "mysql": 1}


def cli(workspace: Path, moment: str, *args: str) -> Any:
    return CliRunner().invoke(
        build_app(), [*args, "--workspace", str(workspace), "--as-of", moment]
    )


@dataclass
class End:
    """What an erasure left: live rows, archive, steps, audit and journal, the answer."""

    rows: Snapshot
    archived: list[tuple[str, str, str]]
    steps: dict[str, Any]
    audited: Counter[str]
    journal: Counter[tuple[str, str]]
    journal_unique: bool
    status: str
    replies: int

    def differences(self, other: End) -> list[str]:
        out = [
            f"{name} differs"
            for name in ("rows", "archived")
            if getattr(self, name) != getattr(other, name)
        ]
        if set(self.steps) != set(other.steps):
            out.append(f"steps done: {sorted(self.steps)} vs {sorted(other.steps)}")
        for name in ("journal", "status", "replies"):
            if getattr(self, name) != getattr(other, name):
                out.append(f"{name}: {getattr(self, name)} vs {getattr(other, name)}")
        twice = sorted(s for s, n in other.audited.items() if n != 1)
        if twice or set(other.audited) != set(other.steps):
            out.append(f"steps audited other than once: {twice or sorted(other.audited)}")
        if not other.journal_unique:
            out.append("a row journalled twice")
        return out


def _neutral(value: Any) -> Any:
    """Keyed hashes and pseudonyms depend on the workspace's keys (one per run)."""
    if isinstance(value, str) and value.startswith(("h:", "anon-")):
        return value.split(":", 1)[0] if value.startswith("h:") else "anon-"
    return value


def _rows(world: World, lab: Lab) -> Snapshot:
    snap = snapshot(world, lab.engine)
    return {
        i: {k: {c: _neutral(v) for c, v in r.items()} for k, r in rows.items()}
        for i, rows in snap.items()
    }


def _archived(lab: Lab) -> list[tuple[str, str, str]]:
    garant = lab.garant
    assert garant is not None
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
        ends = {b.id: str(b.expires_at.date()) for b in bundles}
    return sorted(
        (b.collection, ends[b.id], repr(sorted(r.items())))
        for b in bundles
        for r in archive._decrypt(garant, b.id)
    )


def _end(world: World, lab: Lab, request_id: int) -> End:
    garant = lab.garant
    assert garant is not None
    with garant.unit_of_work(read_only=True) as uow:
        s = uow.session
        steps = {
            r.step: typed_json.decode(r.result)
            for r in s.scalars(select(RequestStep).where(RequestStep.request_id == request_id))
            if r.status == "done"
        }
        audited = Counter(
            str(e.details.get("step"))
            for e in s.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "request.step", AuditEvent.object_id == str(request_id)
                )
            )
        )
        entries = list(
            s.scalars(select(ErasureJournal).where(ErasureJournal.request_id == request_id))
        )
        events = Counter(e.action for e in s.scalars(select(AuditEvent)))
        from garant.rights import service

        status = service.get(uow, request_id).status
    hashes = [(e.collection, e.key_hash) for e in entries]
    return End(
        _rows(world, lab),
        _archived(lab),
        steps,
        audited,
        Counter((e.collection, e.action) for e in entries),
        len(hashes) == len(set(hashes)),
        str(status),
        events["mail.queue"] + events["request.answered"],
    )


def _ready(lab: Lab, world: World, pick: int) -> tuple[Path, int] | None:
    """The world built afresh, the map varied as the invariant test does, holds placed, the
    person's erasure request opened, verified and accepted; ``None``: nobody to erase."""
    lab.open(world)
    workspace = lab.root / f"ws{lab.count}"
    _vary_map(workspace, world, pick)
    lab.place_holds(world)
    if not lab.rows.emails:
        return None
    email = lab.rows.emails[pick % len(lab.rows.emails)]
    opened = cli(
        workspace, START, "request", "open", "--type", "erasure", "--identity", f"email={email}",
        "--channel", "email", "--reply-email", email, "--lang", "en", "--json",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    request_id = int(json.loads(opened.output)["id"])
    for verb in ("verify", "decide"):
        done = cli(workspace, START, "request", verb, str(request_id), "--accept")
        assert done.exit_code == 0, done.output
    return workspace, request_id


def _kill(workspace: Path, request_id: int, n: int, point: str) -> int:
    env = {**os.environ, "PYTHONPATH": SOURCES}
    args = [sys.executable, "-m", "tests.safety.killer", "erasure", str(workspace), START]
    done = subprocess.run(
        [*args, str(request_id), str(n), point], env=env, cwd=REPO, capture_output=True, timeout=120
    )
    assert done.returncode in (0, -9), done.stderr.decode()[-2000:]
    return done.returncode


def _committed(world: World, lab: Lab, request_id: int, whole: End) -> list[str]:
    """Right after the kill: a step recorded done committed (its collection is as the whole
    run left it; its bundles are recorded), and the request is not answered."""
    killed = _end(world, lab, request_id)
    out = []
    for step in killed.steps:
        kind, _, place = step.partition(":")
        if kind in ("erase", "purge"):
            i = int(place.split(".", 1)[1][1:])
            if killed.rows[i] != whole.rows[i]:
                out.append(f"{step}: recorded done, its collection is not in its final state")
    garant = lab.garant
    assert garant is not None
    with garant.unit_of_work(read_only=True) as uow:
        known = {b.id for b in archive.list_bundles(uow=uow)}
    for step, result in killed.steps.items():
        if step.startswith("archive:"):
            missing = [b["id"] for b in result.get("bundles", []) if b["id"] not in known]
            if missing:
                out.append(f"{step}: recorded done, bundles {missing} not recorded")
    if set(killed.steps) != set(whole.steps) and killed.status == "answered":
        out.append("answered before every step was done")
    return out


def _kill_points(whole: End, point: str) -> int:
    """How many times the kill point is reached in an uninterrupted run: every step
    (``before``, ``after``), or at least once per step writing to the connected database or
    the archive (``inside``)."""
    if point != "inside":
        return len(whole.steps)
    return sum(1 for s in whole.steps if s.split(":", 1)[0] in ("erase", "archive", "purge"))


def erase_killed(
    lab: Lab, world: World, pick: int, where: int, point: str, *, pinned: bool = False
) -> list[str]:
    """One world, one person, one kill (at the ``where``-th reach of ``point``, modulo how
    many there are): what broke (empty: nothing). ``pinned``: a named world, which must
    run whole and die where it is told."""
    ready = _ready(lab, world, pick)
    if ready is None:
        event("nobody to erase")
        return []
    workspace, request_id = ready
    ran = cli(workspace, START, "request", "run", str(request_id), "--now")
    if ran.exit_code != 0:
        event(f"not run whole (exit {ran.exit_code})")  # refusals: test_erasure_invariants
        return [f"not run whole: {ran.output.strip()[-300:]}"] if pinned else []
    whole = _end(world, lab, request_id)
    reached = _kill_points(whole, point)
    if not reached:
        event(f"no {point} point to kill at")
        return [f"no {point} point to kill at"] if pinned else []
    n = 1 + where % reached
    workspace, request_id = _ready(lab, world, pick) or (workspace, request_id)
    assert lab.garant is not None
    lab.garant.close()
    lab.garant = None
    died = _kill(workspace, request_id, n, point) == -9
    event(f"killed {point}" if died else "ran to the end before the kill point")
    if pinned and not died:
        return [f"never reached {point} #{n}"]
    lab.reopen()
    problems = _committed(world, lab, request_id, whole)
    if died:
        resumed = cli(workspace, RESUME, "request", "run", str(request_id), "--now")
        if resumed.exit_code != 0 or "answered" not in resumed.output:
            out = resumed.output.strip()[-300:]
            problems.append(f"resume: exit {resumed.exit_code}: {out}")
    lab.reopen()
    return problems + whole.differences(_end(world, lab, request_id))


def test_killed_erasure_resumes_to_the_uninterrupted_state(lab: Lab) -> None:
    """A person's erasure killed between steps, inside one or after its commit, resumed,
    ends as an uninterrupted one (SQLite, PostgreSQL, MariaDB)."""

    @examples(lab, KILL_EXAMPLES)
    @given(
        world=worlds(),
        pick=st.integers(0, 2**16),
        where=st.integers(0, 2**8),
        point=st.sampled_from(POINTS),
    )
    def killed_world(world: World, pick: int, where: int, point: str) -> None:
        problems = erase_killed(lab, world, pick, where, point)
        assert not problems, f"world {world}, person {pick}, killed {point} {where}:\n" + "\n".join(
            problems
        )

    killed_world()
