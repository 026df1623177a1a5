"""The forecast and the sweep over the connected databases.

The sweep announces each batch in the store, applies it in its own transaction of the
connected database, then closes it with one audit event. A crash leaves at most one batch
``pending``; the next run settles it (committed or not, by looking at its key range) and
carries on, so a re-run completes the work and never changes a row twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, Connection, and_, select

from garant.clock import local_date
from garant.retention import archive as archives
from garant.retention import holds
from garant.retention.conditions import RetentionConfig, load_config
from garant.retention.depth import parsable
from garant.retention.keys import encode_key
from garant.retention.models import RetentionBatch, RetentionRun
from garant.retention.rules import RuleSpec, archive_expiry, policy_rules
from garant.retention.steps import (
    Step,
    anonymize_rows,
    archive_select,
    build_steps,
    delete_rows,
    local_midnight,
    nests_too_deep,
    row_start,
    settle_self,
    unlink_self,
)
from garant.retention.target import Context, Databases, targets
from garant.store.uow import SYSTEM, Actor

if TYPE_CHECKING:
    from garant.app import Garant


class Progress(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self, count: int) -> None: ...


class _Silent:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


class Heartbeat(_Silent):
    """For the worker: every batch extends the job's lease, so a long sweep keeps its job."""

    def __init__(self, beat: Callable[[dict[str, Any]], None]):
        self.beat, self.done = beat, 0

    def advance(self, count: int) -> None:
        self.done += count
        self.beat({"rows": self.done})


@dataclass
class Session:
    """One pass over the connected databases: engines, rules, holds, today."""

    garant: Garant
    dbs: Databases
    config: RetentionConfig
    rules: dict[str, RuleSpec]
    ctx: Context
    steps: list[Step] = field(default_factory=list)

    def close(self) -> None:
        self.dbs.close()


def open_session(garant: Garant, today: date | None = None) -> Session:
    config = load_config(garant.workspace)
    with garant.unit_of_work() as uow:
        identities = holds.held_identities(uow=uow)
        collections = holds.held_collections(uow=uow)
    day = today or local_date(garant.clock.now(), garant.timezone)
    ctx = Context(day, garant.timezone, identities, collections, config)
    dbs = Databases(garant.datamap)
    rules = policy_rules(garant.policy)
    session = Session(garant, dbs, config, rules, ctx)
    if garant.datamap_path.exists():
        session.steps = settle_self(
            parsable(dbs, build_steps(targets(dbs), rules, ctx)), rules, ctx
        )
    return session


# --- forecast ----------------------------------------------------------------------------
def plan(garant: Garant, *, horizon: relativedelta | None = None) -> list[dict[str, Any]]:
    """Per rule and collection: due now, due within the horizon, held and why."""
    horizon = horizon or relativedelta(days=90)
    now = open_session(garant)
    try:
        ctx = replace(now.ctx, today=now.ctx.today + horizon)
        built = (
            parsable(now.dbs, build_steps(targets(now.dbs), now.rules, ctx)) if now.steps else []
        )
        later = settle_self(built, now.rules, ctx)
        return [_forecast(now, s, f) for s, f in zip(now.steps, later, strict=True)]
    finally:
        now.close()


def due_keys(garant: Garant) -> dict[tuple[str, str], set[tuple[Any, ...]]]:
    """The keys each step would change now, by (collection, action): the plan's rows one
    by one, from the same predicates the run applies (the safety checks compare them)."""
    session = open_session(garant)
    try:
        out: dict[tuple[str, str], set[tuple[Any, ...]]] = {}
        for step in session.steps:
            with session.dbs.engine(step.target.system).connect() as conn:
                query = select(*step.target.keys).where(step.todo)
                keys = {tuple(r) for r in conn.execute(query)}
            out.setdefault((step.target.name, step.action), set()).update(keys)
        return out
    finally:
        session.close()


def _forecast(session: Session, step: Step, future: Step) -> dict[str, Any]:
    with session.dbs.engine(step.target.system).connect() as conn:
        due_now = step.count(conn, step.todo)
        due_later = step.count(conn, future.todo)
        held = step.count(conn, and_(step.due, step.held))
        why = {
            reason: n
            for reason, predicate in step.reasons.items()
            if (n := step.count(conn, and_(step.due, predicate)))
        }
        empty = step.no_start
        no_start = step.count(conn, empty) if empty is not None else 0
    return {
        "rule": step.rule.id,
        "collection": step.target.name,
        "action": step.action,
        "due_now": due_now,
        "due_within_horizon": max(due_later - due_now, 0),
        "held": held,
        "held_reasons": why,
        "no_start": no_start,
        "promises": list(step.rule.promises),
    }


# --- the sweep --------------------------------------------------------------------------
ProgressFactory = Callable[[], Progress]


def run(
    garant: Garant,
    *,
    actor: Actor = SYSTEM,
    dry_run: bool = False,
    progress: ProgressFactory | None = None,
    gated: bool = False,
) -> RetentionRun:
    """Apply every due rule; returns the run record with its counts.

    ``gated`` (the scheduled and manual sweeps): a workspace never approved, or a step
    removing more than ``max_share`` of its collection, stops the run before any change
    (status ``waiting``, the reasons in its counts)."""
    session = open_session(garant)
    try:
        run_id = _start(garant, actor, dry_run)
        counts: dict[str, Any] = {"collections": {}, "recovered": 0}
        if gated and not dry_run:
            from garant.retention.approval import waiting

            reasons = waiting(session)
            if reasons:
                return _finish(garant, actor, run_id, {**counts, "waiting": reasons}, "waiting")
        if not dry_run:
            from garant.retention.recovery import settle_pending

            counts["recovered"] = settle_pending(session, run_id, actor)
        for step in session.steps:
            bar = (progress or _Silent)()
            done = _apply(session, run_id, step, actor, bar, dry_run)
            slot = counts["collections"].setdefault(step.target.name, {})
            slot[step.action] = slot.get(step.action, 0) + done
        if not dry_run:
            _own_and_expired(garant, actor, run_id, counts)
        return _finish(garant, actor, run_id, counts)
    finally:
        session.close()


def _apply(
    session: Session, run_id: int, step: Step, actor: Actor, bar: Progress, dry_run: bool
) -> int:
    """One step; a database error becomes one line naming the step (no value of a row:
    the driver's message, which quotes them, stays in the exception's cause)."""
    from sqlalchemy.exc import SQLAlchemyError

    from garant.retention.approval import SweepFailed

    try:
        if dry_run:
            return dry_count(session, step)
        return apply_step(session, run_id, step, actor, bar)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        raise SweepFailed(
            f"retention sweep: {step.action} of {step.target.name} (rule {step.rule.id}) "
            f"failed in the database ({type(orig).__name__})"
        ) from exc


def _start(garant: Garant, actor: Actor, dry_run: bool) -> int:
    with garant.unit_of_work(actor) as uow:
        record = RetentionRun(
            as_of=uow.now(),
            started_at=uow.now(),
            status="running",
            dry_run=dry_run,
            actor=actor.label,
            counts={},
        )
        uow.session.add(record)
        uow.session.flush()
        uow.audit("retention.run.start", "retention_run", record.id, details={"dry_run": dry_run})
        return record.id


def _own_and_expired(garant: Garant, actor: Actor, run_id: int, counts: dict[str, Any]) -> None:
    """Garant's own records (rules other features declare), then expired archives (DEF-R6)."""
    from garant.retention import own

    counts["own_data"] = own.apply_all(garant, actor=actor, run_id=run_id)
    with garant.unit_of_work(actor) as uow:
        counts["archives_destroyed"] = archives.destroy_expired(uow=uow)


def _finish(
    garant: Garant, actor: Actor, run_id: int, counts: dict[str, Any], status: str = "done"
) -> RetentionRun:
    with garant.unit_of_work(actor) as uow:
        saved = uow.session.get(RetentionRun, run_id)
        assert saved is not None
        saved.status, saved.finished_at, saved.counts = status, uow.now(), counts
        uow.audit("retention.run.finish", "retention_run", run_id, details=_flat(counts))
        return saved


def _flat(counts: dict[str, Any]) -> dict[str, Any]:
    total = sum(sum(v.values()) for v in counts["collections"].values())
    return {"rows": total, "recovered": counts.get("recovered", 0)}


def dry_count(session: Session, step: Step) -> int:
    with session.dbs.engine(step.target.system).connect() as conn:
        return step.count(conn, step.todo)


def apply_step(session: Session, run_id: int, step: Step, actor: Actor, bar: Progress) -> int:
    engine = session.dbs.engine(step.target.system)
    if not isinstance(bar, _Silent):  # a bar needs its total; the worker does without
        with engine.connect() as conn:
            bar.start(step.label, step.count(conn, step.todo))
    size, low, total = session.config.batch_size, None, 0
    if step.self_linked and step.action != "anonymize":
        # rows of one collection naming each other (a manager, a parent row) may fall in
        # different batches: the links of the rows the end step deletes are cleared first,
        # and an archive step is one batch (its bundles keep the links among its rows)
        with engine.begin() as conn:
            unlink_self(conn, step)
        if step.action == "archive":
            size = 2**31
    while True:
        with engine.connect() as conn:
            planned, high = step.next_batch(conn, low, size)
        if not planned:
            return total
        applied = apply_batch(session, run_id, step, actor, low, high, planned)
        total += applied
        bar.advance(applied)
        low = high


def apply_batch(
    session: Session,
    run_id: int,
    step: Step,
    actor: Actor,
    low: Any,
    high: Any,
    planned: int,
) -> int:
    """One batch: announced, applied in one transaction of the connected database, closed.

    An archive batch writes one bundle per destruction date (each row's own end) before
    the rows leave the live database."""
    garant = session.garant
    engine = session.dbs.engine(step.target.system)
    where = and_(step.in_range(low, high), step.todo)
    groups: dict[date, list[dict[str, Any]]] = {}
    if step.action == "archive":
        with engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(archive_select(step, where)).mappings()]
        groups = group_by_expiry(session, step, rows)
        names = [c.name for c in step.target.keys]
        keys = [tuple(r[n] for n in names) for r in rows]
        where, planned = step.target.key_in(keys), len(keys)
    bids = [_bid(step, group) for group in groups.values()]
    batch_id = _announce(garant, run_id, step, actor, low, high, planned, bids)
    manifests = [
        write_archive(session, step, bid, group, expires=day)
        for bid, (day, group) in zip(bids, groups.items(), strict=True)
    ]
    with engine.begin() as conn:
        if step.action == "anonymize":
            applied, children = anonymize_rows(conn, step.target, where)
        else:
            applied, children = delete_rows(conn, step.target, shallow(conn, step, where))
    with garant.unit_of_work(actor) as uow:
        for manifest in manifests:
            archives.record_bundle(uow=uow, manifest=manifest, reason="retention")
        _close(uow, batch_id, applied, children, step, run_id)
    return applied


def shallow(conn: Connection, step: Step, where: ColumnElement[bool]) -> ColumnElement[bool]:
    """The batch's rows by their keys, where the deletion nests the predicate under the
    subqueries that reach the rows they own: on SQLite (before 3.45 its parser stack is
    fixed) a deep ``owns`` chain overflowed it ("parser stack overflow", ten levels each
    under a rule). Read in the transaction that deletes them."""
    if not step.target.children() or not nests_too_deep(conn, step):
        return where  # parsed once per step: keys read only where it would overflow
    keys = [tuple(r) for r in conn.execute(select(*step.target.keys).where(where))]
    return step.target.key_in(keys)


def _bid(step: Step, rows: list[dict[str, Any]]) -> str:
    names = [c.name for c in step.target.keys]
    keys = [[r[n] for n in names] for r in rows]
    return archives.bundle_id(step.target.system.id, step.target.collection.name, keys)


def row_expiry(session: Session, step: Step, row: dict[str, Any]) -> date:
    """When an archived row is destroyed: its own start + active phase + archive phase."""
    rule = step.rule
    assert rule.archive is not None
    events = [k for k in row if k.startswith("_event_")]
    start = row_start(row, events) or session.ctx.today - rule.duration
    # the same end the cut-offs test (a financial-year statute counts from its closing)
    return max(archive_expiry(rule, start), session.ctx.today)


def group_by_expiry(
    session: Session, step: Step, rows: list[dict[str, Any]]
) -> dict[date, list[dict[str, Any]]]:
    groups: dict[date, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row_expiry(session, step, row), []).append(row)
    return dict(sorted(groups.items()))


def _announce(
    garant: Garant,
    run_id: int,
    step: Step,
    actor: Actor,
    low: Any,
    high: Any,
    planned: int,
    bids: list[str],
) -> int:
    with garant.unit_of_work(actor) as uow:
        batch = RetentionBatch(
            run_id=run_id,
            target=step.target.name,
            rule=step.rule.id,
            action=step.action,
            key_low=None if low is None else encode_key(low),
            key_high=encode_key(high),
            planned=planned,
            status="pending",
            bundle_id=" ".join(bids) or None,
            created_at=uow.now(),
        )
        uow.session.add(batch)
        uow.session.flush()
        return batch.id


def _close(uow: Any, batch_id: int, applied: int, children: int, step: Step, run_id: int) -> None:
    batch = uow.session.get(RetentionBatch, batch_id)
    batch.status, batch.applied = "done", applied
    uow.audit(
        f"retention.{step.action}",
        "retention_run",
        run_id,
        details={
            "batch": batch_id,
            "rule": step.rule.id,
            "collection": step.target.name,
            "rows": applied,
            "child_rows": children,
            "archive": batch.bundle_id,
        },
    )


def write_archive(
    session: Session,
    step: Step,
    bid: str,
    rows: list[dict[str, Any]],
    active: bool = True,
    expires: date | None = None,
) -> dict[str, Any]:
    """Write one bundle of rows sharing one destruction date (``expires``; for a caller
    that does not give it, the latest row's end: ``active`` adds the active phase, which
    an erasure cuts short, DEF-R3)."""
    garant, rule = session.garant, step.rule
    assert rule.archive is not None
    if expires is None:
        events = [k for k in rows[0] if k.startswith("_event_")] if rows else []
        starts = [s for s in (row_start(r, events) for r in rows) if s is not None]
        latest = max(starts) if starts else session.ctx.today - rule.duration
        expires = latest + (rule.duration if active else relativedelta()) + rule.archive.duration
    expires = max(expires, session.ctx.today)
    extract = [{k: v for k, v in r.items() if not k.startswith("_event_")} for r in rows]
    now = garant.clock.now()
    try:
        return archives.read_manifest(garant, bid)
    except Exception:
        pass
    meta = {
        "system": step.target.system.id,
        "collection": step.target.collection.name,
        "rule": rule.id,
        "statute": rule.archive.statute,
        "fields": [c for c in (extract[0].keys() if extract else [])],
        "key": [c.name for c in step.target.keys],
        "links": _links(step),
        "identifies": rule.archive.identifies,
        "created_at": now.isoformat(),
        "expires_at": local_midnight(expires, session.ctx.timezone).isoformat(),
    }
    return archives.write_bundle(garant, bid=bid, meta=meta, rows=extract)


def _links(step: Step) -> list[dict[str, Any]]:
    """The references kept in the bundle: which columns name which parent collection."""
    return [
        {"columns": list(r.columns), "to": r.to, "meaning": r.meaning}
        for r in step.target.collection.references
    ]
