"""Erasure of records under a legal duty: moved to the intermediate archive (DEF-R3).

Art. 17(3)(b) lets a controller keep what a legal obligation requires (invoices under the
Code de commerce, bank records under the Code monétaire et financier), but not in the
live database where it is used every day: on an erasure request those rows leave it at
once for the retention archive (encrypted, reduced to the fields the duty requires, read
only by an archivist through an audited restore) and are destroyed when the statute's
period, counted from the record's own event, ends (DEF-R6). Rows under a legal hold or a
restriction, or still needed by a contract in progress, stay live and the reply says why.

Each collection is two steps of the request's job, run children first: ``archive:PLACE``
writes and records the bundles in the step's unit of work; ``purge:PLACE`` then deletes
the live rows those recorded bundles hold. A crash between them leaves the rows in both
places until the re-run, never only in an unrecorded bundle.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from garant.clock import local_date
from garant.datamap.models import Collection
from garant.rights import policy_view
from garant.rights.models import RightsRequest
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

Key = tuple[Any, ...]


def entry(
    *,
    erase: list[Key] | None = None,
    archive: list[Key] | None = None,
    keep: list[Key] | None = None,
    why: str | None = None,
    duty: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One place of the plan, as stored in the ``plan`` step's result (JSON)."""
    kept = [list(k) for k in keep or []]
    return {
        "erase": [list(k) for k in erase or []],
        "archive": [list(k) for k in archive or []],
        "keep": kept,
        "kept": len(kept),
        "why": why,
        "duty": duty,
    }


def duty(uow: UnitOfWork, coll: Collection) -> dict[str, Any] | None:
    """The legal duty that sends this collection's rows to the archive, if any.

    An archive phase that obeys a duty to keep the records, or a limitation period the
    rule chose to archive on erasure (``policy_view.legal_archive``).
    """
    rule_id = coll.retention.rule if coll.retention else None
    found = policy_view.legal_archive(uow.garant.policy, rule_id)
    if found is None or rule_id is None:
        return None
    duration, statute, exception = found
    return {"rule": rule_id, "statute": statute, "duration": duration, "exception": exception}


def _rule(uow: UnitOfWork, rule_id: str) -> Any:
    from garant.retention.rules import policy_rules

    return policy_rules(uow.garant.policy).get(rule_id)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def until_groups(uow: UnitOfWork, coll: Collection, rows: list[Any]) -> dict[str, Any]:
    """How many rows are kept in the archive until which day (the preview's forecast).

    The statute runs from the record's own event (its latest start event), as the
    retention archive counts it when an erasure moves the record (never before today).
    """
    from garant.retention.rules import erasure_expiry

    assert coll.retention is not None
    rule = _rule(uow, coll.retention.rule)
    today = _today(uow)
    counts: dict[str, int] = {}
    columns = [c for c in coll.retention.dates.values() if "." not in c]
    for row in rows:
        starts = [d for d in (_as_date(row.get(c)) for c in columns) if d is not None]
        start = max(starts) if starts else today
        until = max(erasure_expiry(rule, start), today) if rule and rule.archive else today
        counts[until.isoformat()] = counts.get(until.isoformat(), 0) + 1
    return {"until": [{"until": d, "count": n} for d, n in sorted(counts.items())]}


def _today(uow: UnitOfWork) -> date:
    from garant.rights import service

    return service.today(uow)


def release(parent: dict[str, Any], wanted: set[Key], why: str, *, erase_too: bool) -> bool:
    """Move the ``wanted`` rows of ``parent`` from archive (and erase) to keep."""
    lists = ("archive", "erase") if erase_too else ("archive",)
    changed = False
    for name in lists:
        still = [k for k in parent[name] if tuple(k) not in wanted]
        if len(still) != len(parent[name]):
            parent["keep"] += [k for k in parent[name] if tuple(k) in wanted]
            parent[name], parent["why"], changed = still, why, True
    parent["kept"] = len(parent["keep"])
    return changed


def order(garant: Garant, places: dict[str, Any]) -> list[str]:
    """Places children first: a collection before every collection its rows point at
    (any reference: a foreign key forbids deleting a row still referenced, and an
    archived parent would take its live children with it). Collections whose rows point
    at each other (a cycle) come one after the other: the first of them to run deletes
    them all together (``garant.rights.cycles``)."""
    from garant.rights.cycles import groups

    datamap = garant.datamap
    by_system: dict[str, set[str]] = {}
    for place in places:
        system_id, name = place.split(".", 1)
        by_system.setdefault(system_id, set()).add(name)
    ring: dict[str, str] = {}  # a place in a cycle -> the cycle's first place
    for system_id, names in by_system.items():
        for group in groups(datamap.system(system_id), names):
            for name in group:
                ring[f"{system_id}.{name}"] = f"{system_id}.{group[0]}"
    members: dict[str, list[str]] = {}
    for place in places:
        members.setdefault(ring.get(place, place), []).append(place)
    depth: dict[str, int] = {}

    def level(node: str, seen: frozenset[str]) -> int:
        if node not in depth:
            targets: set[str] = set()
            for place in members[node]:
                system_id, name = place.split(".", 1)
                refs = datamap.collection(system_id, name).references
                targets |= {f"{system_id}.{r.to}" for r in refs} & set(places)
            nodes = {ring.get(t, t) for t in targets} - {node}
            depth[node] = 1 + max(
                (level(t, seen | {node}) for t in nodes if t not in seen), default=0
            )
        return depth[node]

    def key(place: str) -> tuple[int, str, str]:
        node = ring.get(place, place)
        return (-level(node, frozenset()), node, place)

    return sorted(places, key=key)


# --- the steps ------------------------------------------------------------------------
def move(uow: UnitOfWork, req: RightsRequest, place: str, keys: list[list[Any]]) -> dict[str, Any]:
    """``archive:PLACE``: write and record the bundles; the rows are still live."""
    from garant.retention.erasure import move_to_archive
    from garant.rights import holds

    system_id, name = place.split(".", 1)
    moved = move_to_archive(
        uow=uow,
        system=system_id,
        collection=name,
        keys=[tuple(k) for k in keys],  # any number and type of key columns
        reason="erasure",
        ignore_hold_source=holds.source_of(req),
    )
    bundles: list[dict[str, Any]] = [
        {
            "id": m.bundle,
            "keys": [_as_list(k) for k in m.keys],
            "until": local_date(m.expires_at, uow.garant.timezone).isoformat(),
            "statute": m.statute,
            "rule": m.rule,
        }
        for m in moved
    ]
    count = sum(len(b["keys"]) for b in bundles)
    uow.audit(
        "erasure.archive",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={
            "place": place,
            "rows": count,
            "held": len(keys) - count,
            "bundles": [b["id"] for b in bundles],
        },
    )
    return {"bundles": bundles, "moved": count, "held": len(keys) - count}


def staying(uow: UnitOfWork, req: RightsRequest, place: str, keys: list[Key]) -> set[Key]:
    """Keys planned for the archive that the move would leave live (a hold or a
    restriction on the row or on its owner): planned kept, so plan and run agree."""
    from garant.retention.erasure import held_in_place
    from garant.rights import holds

    system_id, name = place.split(".", 1)
    return held_in_place(
        uow=uow,
        system=system_id,
        collection=name,
        keys=[tuple(k) for k in keys],
        ignore_hold_source=holds.source_of(req),
    )


def held(uow: UnitOfWork, req: RightsRequest, place: str, keys: list[Key]) -> set[Key]:
    """Keys planned for erasure that a legal hold or a restriction keeps live: on the row
    (another person's hold on an identity it carries, its collection's hold, Art. 18) or
    on a row that owns it. Never deleted nor rewritten (DEF-R4, Art. 17(3)(e))."""
    from garant.retention.holds import rows_held
    from garant.rights import holds

    system_id, name = place.split(".", 1)
    found = rows_held(
        uow=uow, wanted={(system_id, name): [tuple(k) for k in keys]},
        ignore_source=holds.source_of(req),
    )  # fmt: skip
    return found.get((system_id, name), set())


def _as_list(key: Any) -> list[Any]:
    """A moved key as a step result stores it (typed JSON): the list of its columns."""
    return list(key) if isinstance(key, tuple) else [key]


def purge(uow: UnitOfWork, req: RightsRequest, place: str, moved: dict[str, Any]) -> dict[str, Any]:
    """``purge:PLACE``: the rows the recorded bundles hold leave the live database."""
    from garant.retention.erasure import remove_archived

    system_id, name = place.split(".", 1)
    bundles = moved.get("bundles", [])
    keys = [tuple(k) for b in bundles for k in b["keys"]]
    removed = remove_archived(
        uow=uow,
        system=system_id,
        collection=name,
        keys=keys,
        bundles=[b["id"] for b in bundles],
    )
    return {"removed": removed}


def moved_keys(done: dict[str, dict[str, Any]], place: str) -> set[Key] | None:
    """The keys ``archive:PLACE`` moved (``None`` when that step has not run)."""
    result = done.get(f"archive:{place}")
    if result is None:
        return None
    return {tuple(k) for b in result.get("bundles", []) for k in b["keys"]}


def settle(places: dict[str, Any], done: dict[str, dict[str, Any]]) -> None:
    """Rows planned for the archive that the move left in place (a hold placed since, a
    restriction, a child still live) stay live, and protect what they point at."""
    for place, item in places.items():
        moved = moved_keys(done, place)
        if moved is None or not item.get("archive"):
            continue
        left = [k for k in item["archive"] if tuple(k) not in moved]
        if left:
            item["archive"] = [k for k in item["archive"] if tuple(k) in moved]
            item["keep"] += left
            item["kept"], item["why"] = len(item["keep"]), "archive_held"


def archived(uow: UnitOfWork, req: RightsRequest) -> list[dict[str, Any]]:
    """What the erasure moved to the archive, per place and destruction date (the reply)."""
    from sqlalchemy import select

    from garant.rights.models import RequestStep

    rows = uow.session.scalars(
        select(RequestStep).where(
            RequestStep.request_id == req.id,
            RequestStep.step.startswith("archive:"),
            RequestStep.status == "done",
        )
    )
    out: list[dict[str, Any]] = []
    for step in sorted(rows, key=lambda r: r.step):
        place = step.step.split(":", 1)[1]
        for bundle in step.result.get("bundles", []):
            out.append(
                {
                    "place": place,
                    "count": len(bundle["keys"]),
                    "until": bundle["until"],
                    "statute": bundle.get("statute") or "",
                    "rule": bundle.get("rule") or "",
                }
            )
    return out


def outcomes(uow: UnitOfWork, req: RightsRequest) -> list[dict[str, Any]]:
    """Per place of an erasure: erased, moved to the archive (until when, under which
    duty), kept live and why; planned figures until the steps have run (staff surfaces)."""
    from sqlalchemy import select

    from garant.rights.models import RequestStep

    done = {
        s.step: s.result
        for s in uow.session.scalars(
            select(RequestStep).where(
                RequestStep.request_id == req.id, RequestStep.status == "done"
            )
        )
    }
    plan = done.get("plan")
    return _outcomes_of(plan, done) if plan else []


def preview(uow: UnitOfWork, req: RightsRequest) -> list[dict[str, Any]]:
    """What an erasure request would do now, per collection, nothing changed: staff check
    it before running (which records go to the archive, until when). Audited: it reads
    the person's rows."""
    from garant.errors import Conflict
    from garant.rights import erasure, preflight
    from garant.rights.rules import RequestType

    if req.type not in (RequestType.ERASURE, RequestType.POST_MORTEM):
        raise Conflict(f"request {req.id} is {req.type}: only an erasure has a plan")
    preflight.check(uow)
    plan = erasure.plan(uow, req)
    out = _outcomes_of(plan, {})
    uow.audit(
        "request.erasure_preview",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={"places": len(out), "archived": sum(o["archived"] for o in out)},
    )
    return out


def _outcomes_of(plan: dict[str, Any], done: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for place in plan.get("order") or sorted(plan.get("places", {})):
        item = plan["places"][place]
        moved = done.get(f"archive:{place}")
        bundles = (moved or {}).get("bundles", [])
        held = (moved or {}).get("held", 0)
        # rows that a record the move left live still points at, kept at erase time
        protected = (done.get(f"erase:{place}") or {}).get("protected", 0)
        why = "archive_held" if held else "owns_kept_records" if protected else item.get("why")
        duty = item.get("duty") or {}
        out.append(
            {
                "place": place,
                "erased": len(item["erase"]) - protected,
                "archived": sum(len(b["keys"]) for b in bundles)
                if moved
                else len(item.get("archive", [])),  # plans made before DEF-R3 have none
                "kept": item.get("kept", 0) + held + protected,
                "why": why,
                "statute": duty.get("statute"),
                "until": sorted({b["until"] for b in bundles})
                if moved
                else [g["until"] for g in duty.get("until", [])],
                # a place with nothing to change is done when the plan is (kept whole)
                "done": moved is not None
                or f"erase:{place}" in done
                or ("plan" in done and not item["erase"] and not item.get("archive")),
            }
        )
    return out
