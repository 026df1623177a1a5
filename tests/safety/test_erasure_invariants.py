"""Erasure on random schemas (issue 15): the checker's invariants after a person's erasure.

Each example draws a world (tests/safety/world.py), picks one person (an email on file),
opens, decides and runs an erasure request through the CLI exactly as staff do
(tests/rights/test_execution_shapes.py), and proves from snapshots taken before and after:
nobody else's row changed or disappeared; the person's rows under a hold, a restriction,
in an immutable or shared collection are kept live, unchanged and reported kept with a
reason; rows of a legal-duty collection are never erased in place (archived or kept), whatever
their key, and never kept live for want of a single-column key;
no live row is left pointing at a row that is gone; the plan lists each of the person's
rows once and the run did what it listed (counts per collection); erased rows are gone
or rewritten as the map declares; archived rows are in a bundle; a second erasure of the
same person changes nothing. A world the erasure path refuses before it starts (exit 2)
is a valid outcome: then not one row changed. Worlds of ``duty_cycle_worlds`` always hold a
composite-key collection under a legal duty and a cycle of deleted collections with a
nullable side, which an erasure carries out (docs/rights.md, guarantees).

Not proved here: that a step commits whole or not at all (the crash tests of the sweep,
tests/safety/test_crash_resume.py, cover the sweep only).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import event as hypothesis_event
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from sqlalchemy import Date, DateTime, select
from typer.testing import CliRunner

from garant.cli.main import build_app
from garant.retention import archive
from garant.rights import archiving, service, typed_json
from garant.rights.models import RequestStep
from tests.safety.checker import Holds, Key, Snapshot, _norm, _pointed, snapshot
from tests.safety.conftest import Lab, examples
from tests.safety.world import (
    KEYS,
    SYSTEM,
    TODAY,
    Ref,
    Spec,
    World,
    duty_cycle_worlds,
    refs_of,
    worlds,
)


def event(text: str) -> None:
    """Counted in hypothesis's statistics (which shapes were refused); pinned worlds run
    outside hypothesis."""
    if currently_in_test_context():
        hypothesis_event(text)


BUDGET = {"sqlite": 4, "postgresql": 2, "mysql": 2}
"""Examples per backend in the ``ci`` profile: each runs half a dozen CLI commands."""


def cli(workspace: Path, *args: str) -> Any:
    dated = ["--as-of", TODAY.isoformat()]
    return CliRunner().invoke(build_app(), [*args, "--workspace", str(workspace), *dated])


def _open(workspace: Path, email: str) -> int | None:
    """An erasure request opened, verified by staff and accepted; ``None`` when nothing of
    the person is left to decide on (answered at verification)."""
    opened = cli(
        workspace,
        "request", "open", "--type", "erasure", "--identity", f"email={email}",
        "--channel", "email", "--reply-email", email, "--lang", "en", "--json",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    request_id = int(json.loads(opened.output)["id"])
    verified = cli(workspace, "request", "verify", str(request_id), "--accept")
    assert verified.exit_code == 0, verified.output
    decided = cli(workspace, "request", "decide", str(request_id), "--accept")
    if f"request {request_id} is answered" in decided.output:
        return None
    assert decided.exit_code == 0, decided.output
    return request_id


def _theirs(world: World, snap: Snapshot, email: str) -> set[tuple[int, Key]]:
    """The person's rows, recomputed: rows with their email, and rows that ``owns`` one of
    those, transitively (context references never make a row theirs)."""
    mine = {
        (i, k)
        for i, rows in snap.items()
        for k, r in rows.items()
        if (r.get("email") or "").lower() == email.lower()
    }
    grown = True
    while grown:
        grown = False
        for i, rows in snap.items():
            for k, r in rows.items():
                if (i, k) not in mine and set(_pointed(world, i, r, "owns")) & mine:
                    mine.add((i, k))
                    grown = True
    return mine


def _key(i: int, values: list[Any], world: World) -> Key:
    kinds = [t for _, t in KEYS[world.specs[i].key]]
    return tuple(_norm(_typed(v, t)) for v, t in zip(values, kinds, strict=True))


def _typed(value: Any, kind: Any) -> Any:
    """A key value from the plan's JSON, in the type the snapshot reads."""
    if isinstance(value, str) and kind is DateTime:
        return datetime.fromisoformat(value)
    if isinstance(value, str) and kind is Date:
        return date.fromisoformat(value[:10])
    return value


def _index(name: str) -> int:
    return int(name.split(".", 1)[1][1:])


def _steps(lab: Lab, request_id: int) -> dict[str, Any]:
    assert lab.garant is not None
    with lab.garant.unit_of_work(read_only=True) as uow:
        rows = uow.session.scalars(
            select(RequestStep).where(
                RequestStep.request_id == request_id, RequestStep.status == "done"
            )
        )
        done = {r.step: typed_json.decode(r.result) for r in rows}
        out = archiving.outcomes(uow, service.get(uow, request_id))
    return {"done": done, "outcomes": {o["place"]: o for o in out}}


REWRITES = (None, "null", "keyed_hash", "pseudonym", "mask")
"""Per collection, drawn from the person's number: the map's default ``delete_row``, or
rows kept and ``email`` rewritten by this strategy (``note`` is always ``null``)."""


def _rewrites(world: World, pick: int) -> dict[int, str]:
    drawn = {i: REWRITES[(pick >> (2 * i)) % len(REWRITES)] for i in range(len(world.specs))}
    return {i: s for i, s in drawn.items() if s}


def _vary_map(workspace: Path, world: World, pick: int) -> dict[int, str]:
    """The generated map, with some collections rewriting their rows instead of deleting."""
    path = workspace / "datamap.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    rewrites = _rewrites(world, pick)
    for i, coll in enumerate(doc["systems"][0]["collections"]):
        if i in rewrites:
            coll["erasure"] = "null"
            coll["fields"][0]["erasure"] = rewrites[i]
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return rewrites


def erase_and_check(lab: Lab, world: World, pick: int, vary: bool = True) -> list[str]:
    """One world, one person: the invariants that broke (empty: none). ``vary``: some
    collections rewrite instead of deleting (``_rewrites``)."""
    lab.open(world)
    rewrites = _vary_map(lab.root / f"ws{lab.count}", world, pick) if vary else {}
    placed = lab.place_holds(world)
    if not lab.rows.emails:
        event("nobody to erase")
        return []
    email = lab.rows.emails[pick % len(lab.rows.emails)]
    workspace = lab.root / f"ws{lab.count}"
    before = snapshot(world, lab.engine)
    request_id = _open(workspace, email)
    assert request_id is not None, "a person on file has something to decide on"
    planned = cli(workspace, "request", "plan", str(request_id), "--json")
    ran = cli(workspace, "request", "run", str(request_id))
    after = snapshot(world, lab.engine)
    if planned.exit_code == 2 or ran.exit_code == 2:
        event("refused before start: " + ran.output.strip().splitlines()[-1][:60])
        problems = [] if after == before else ["refused, yet rows changed"]
        if planned.exit_code != ran.exit_code:
            problems.append(f"plan exit {planned.exit_code}, run exit {ran.exit_code}")
        return problems
    if ran.exit_code != 0 or f"request {request_id}: answered" not in ran.output:
        return [f"run failed (exit {ran.exit_code}): {ran.output.strip()[-300:]}"]
    event("erased")
    steps = _steps(lab, request_id)
    problems = _check(world, placed, email, before, after, steps, rewrites)
    problems += _duty_archived(world, steps, before)
    problems += _archived(lab, world, before, steps["done"]["plan"]["places"])
    again = _open(workspace, email)
    second = cli(workspace, "request", "run", str(again)) if again else None
    if second is not None and second.exit_code != 0:
        problems.append(f"a second erasure failed: {second.output.strip()[-200:]}")
    if snapshot(world, lab.engine) != after:
        problems.append("a second erasure of the same person changed rows")
    return problems


def _check(
    world: World,
    placed: Holds,
    email: str,
    before: Snapshot,
    after: Snapshot,
    steps: dict[str, Any],
    rewrites: dict[int, str],
) -> list[str]:
    problems: list[str] = []
    places = steps["done"]["plan"]["places"]
    theirs = _theirs(world, before, email)
    listed: dict[tuple[int, Key], str] = {}
    for name, entry in places.items():
        i = _index(name)
        for what in ("erase", "archive", "keep"):
            for values in entry[what]:
                k = _key(i, values, world)
                if (i, k) in listed:
                    problems.append(f"{name}{k}: listed as {listed[(i, k)]} and {what}")
                listed[(i, k)] = what
        if entry["keep"] and not entry.get("why"):
            problems.append(f"{name}: {len(entry['keep'])} kept without a reason")
        problems += _counts(name, entry, steps["outcomes"].get(name))
    for i, k in sorted(set(listed) - theirs, key=str):
        problems.append(f"{world.name(i)}{k}: in the plan, not the person's")
    for i, k in sorted(theirs - set(listed), key=str):
        problems.append(f"{world.name(i)}{k}: the person's, not in the plan (never reported)")
    for i, rows in before.items():
        for k, row in rows.items():
            planned_as = listed.get((i, k))
            now = after[i].get(k)
            problems += _row(world, placed, i, k, row, now, planned_as, rewrites.get(i))
    problems += _dangling(world, after)
    return problems


def _counts(name: str, entry: dict[str, Any], outcome: dict[str, Any] | None) -> list[str]:
    """The outcome staff and the letter see is what the plan listed, and it ran."""
    if outcome is None:
        return [f"{name}: planned, no outcome reported"]
    want = (len(entry["erase"]), len(entry["archive"]), len(entry["keep"]))
    got = (outcome["erased"], outcome["archived"], outcome["kept"])
    out = [] if want == got else [f"{name}: planned {want} (erase, archive, keep), ran {got}"]
    if not outcome["done"]:
        out.append(f"{name}: outcome still planned after the run")
    return out


def _must_keep(world: World, placed: Holds, i: int, row: dict[str, Any]) -> str | None:
    spec = world.specs[i]
    if spec.shared:
        return "shared"
    if spec.immutable:
        return "immutable"
    return placed.own(world, i, row)


def _row(
    world: World,
    placed: Holds,
    i: int,
    k: Key,
    row: dict[str, Any],
    now: dict[str, Any] | None,
    what: str | None,
    rewrite: str | None,
) -> list[str]:
    where = f"{world.name(i)}{k}"
    if what is None or what == "keep":
        if now != row:
            return [f"{where}: {'kept' if what else 'not the person'}s, yet changed to {now}"]
        return []
    why = _must_keep(world, placed, i, row)
    if why == "immutable" and what == "archive":
        why = None  # a duty's record leaves for the archive whole, never rewritten (DEF-R3)
    if why:
        return [f"{where}: {why}, yet planned to {what}"]
    if what == "archive":
        return [] if now is None else [f"{where}: archived, still live"]
    if world.specs[i].rule == "pay":  # whatever its key: one column or two of any types
        return [f"{where}: under a legal duty (archive rule), erased in place"]
    return _erased(where, row, now, rewrite)


def _erased(
    where: str, row: dict[str, Any], now: dict[str, Any] | None, rewrite: str | None
) -> list[str]:
    """Deleted (``delete_row``), or kept with only ``email`` and ``note`` rewritten as the
    map declares (docs/datamap.md; ``mask``: the last two characters stay)."""
    if rewrite is None:
        return [] if now is None else [f"{where}: planned erased (delete_row), still live"]
    if now is None:
        return [f"{where}: planned rewritten ({rewrite}), deleted"]
    other = {c for c in row if c not in ("email", "note")}
    changed = sorted(c for c in other if now[c] != row[c])
    email, old = now["email"], row["email"]
    want = {
        "null": email is None,
        "keyed_hash": old is None or (str(email).startswith("h:") and old[:-2] not in email),
        "pseudonym": old is None or str(email).startswith("anon-"),
        "mask": old is None or email == "*" * max(len(old) - 2, 1) + old[-2:],
    }[rewrite]
    out = [f"{where}: columns outside the map changed: {changed}"] if changed else []
    if not want or now["note"] is not None:
        out.append(f"{where}: email {email!r}, note {now['note']!r} after {rewrite}")
    return out


def _dangling(world: World, after: Snapshot) -> list[str]:
    out = []
    for i, rows in after.items():
        for k, row in rows.items():
            for to, key in _pointed(world, i, row):
                if key not in after[to]:
                    out.append(f"{world.name(i)}{k} points at {world.name(to)}{key}: gone")
    return out


def _archived(lab: Lab, world: World, before: Snapshot, places: dict[str, Any]) -> list[str]:
    """Every row the plan archived is in a bundle, with its key and references."""
    garant = lab.garant
    assert garant is not None
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
    stored: set[tuple[str, tuple[str, ...]]] = set()
    for bundle in bundles:
        i = int(bundle.collection[1:])
        keys = [c for c, _ in KEYS[world.specs[i].key]]
        links = [n for *_, names in refs_of(world, i) for n in names]
        for row in archive._decrypt(garant, bundle.id):
            if any(c not in row for c in keys + links):
                return [f"{bundle.collection}: bundle rows lack their key or references"]
            stored.add((bundle.collection, _text([row[c] for c in keys])))
    out = []
    for name, entry in places.items():
        coll = name.split(".", 1)[1]
        for values in entry["archive"]:
            k = _key(_index(name), values, world)
            if (coll, _text(k)) not in stored:
                out.append(f"{name}{k}: archived by the plan, in no bundle")
    return out


def _text(values: Any) -> tuple[str, ...]:
    return tuple(str(v).replace("T", " ") for v in values)


def test_erasure_touches_only_the_person_and_does_what_it_planned(lab: Lab) -> None:
    """The invariants hold for a random person of random worlds (SQLite, PostgreSQL,
    MariaDB)."""

    @examples(lab, BUDGET)
    @given(world=worlds(), pick=st.integers(0, 2**16))
    def erase_world(world: World, pick: int) -> None:
        problems = erase_and_check(lab, world, pick)
        assert not problems, f"{SYSTEM} world {world}, person {pick}:\n" + "\n".join(problems)

    erase_world()


def _duty_archived(world: World, steps: dict[str, Any], before: Snapshot) -> list[str]:
    """Rows of a legal-duty collection (any key) the plan keeps name why, and never the
    reason an erasure once gave for a composite key it could not move (art17_3_b)."""
    out = []
    for name, entry in steps["done"]["plan"]["places"].items():
        if world.specs[_index(name)].rule == "pay" and entry.get("why") == "art17_3_b":
            out.append(f"{name}: kept live (art17_3_b) instead of archived")
    return out


def test_erasure_archives_composite_duty_keys_and_deletes_cycles(lab: Lab) -> None:
    """The invariants hold on worlds built around a legal-duty collection keyed by two
    columns (dates, date-times, text) and a cycle of deleted collections closed by a
    nullable reference, of two or three collections (SQLite, PostgreSQL, MariaDB)."""

    @examples(lab, CYCLE_BUDGET)
    @given(world=duty_cycle_worlds(), pick=st.integers(0, 2**16))
    def erase_world(world: World, pick: int) -> None:
        problems = erase_and_check(lab, world, pick, vary=False)
        assert not problems, f"{SYSTEM} world {world}, person {pick}:\n" + "\n".join(problems)

    erase_world()


CYCLE_BUDGET = {"sqlite": 3, "postgresql": 1, "mysql": 1}
"""Examples per backend in the ``ci`` profile (the ``debug`` and ``long`` profiles draw more)."""


def _pinned(lab: Lab, world: World, pick: int) -> None:
    problems = erase_and_check(lab, world, pick, vary=False)
    assert not problems, "\n".join(problems)


def test_restricted_row_is_kept_by_an_erasure(lab: Lab) -> None:
    """Found by this checker: the person's row in ``c1`` is marked restricted (Art. 18);
    the erasure deleted it (the archive move and the sweep keep such rows). Now kept live
    and reported ``archive_held``."""
    world = World(
        (
            Spec("int", self_ref=True, rule="pay", immutable=True, rows=2),
            Spec("int", refs=(Ref(0, "owns", False),), back=2, rule="short", restriction=True),
            Spec("int", self_ref=True, restriction=True, shared=True, rows=1),
            Spec("date_int", self_ref=True, rule="short", rows=1),
            Spec("date_int", self_ref=True, restriction=True, shared=True, rows=3),
        ),
        seed=0,
        hold_person=True,
        batch_size=1,
    )
    _pinned(lab, world, 4)


def test_archive_row_a_staying_row_points_at_is_planned_kept(lab: Lab) -> None:
    """Found by this checker: a payment (``pay``: archived under L123-22) that another
    payment still points at (self-reference) was planned "moved to the archive" while the
    move kept it live: the plan and the outcome disagreed. Now planned kept
    (``referenced_by_kept``), and the run does what the plan says."""
    world = World(
        (
            Spec("datetime_text", rule="short", rows=5),
            Spec("int", self_ref=True, rule="pay", restriction=True, rows=7),
            Spec(
                "int",
                refs=(Ref(1, "owns", False), Ref(0, "context", False)),
                rule="long",
                restriction=True,
                rows=1,
            ),
        ),
        seed=64984,
        batch_size=4,
    )
    _pinned(lab, world, 138)
