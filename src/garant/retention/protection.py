"""What keeps a row because of its relatives: descendants kept, live rows that name it.

Deleting a row takes the rows it owns with it (the map's ``owns``, followed down). So a
row is kept while a descendant it would take is itself kept: a record under a rule of its
own still in its period (a payment under a 10-year duty two levels below its person), a
descendant under a hold or a restriction, or one another live row names (a household
other members point at). A relative that this same run removes first (children are
swept before their parents) does not keep it: the forecast and the sweep evaluate the
same predicate, so what the plan says is what the run does.

The predicates nest one correlated subquery per generation, each on an alias of its own
table; beyond ``MAX_DEPTH`` (or around a cycle) a relative keeps the row while it exists
at all, which never deletes too much.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_

if TYPE_CHECKING:
    from garant.retention.target import Context, Target


def _limit() -> int:
    from garant.retention.target import MAX_DEPTH

    return MAX_DEPTH


def removed_now(target: Target, ctx: Context, depth: int) -> ColumnElement[bool] | None:
    """Rows of ``target`` that this run deletes or archives itself (its rule's steps)."""
    from garant.retention.rules import cutoffs
    from garant.retention.steps import undeclared

    binding = target.collection.retention
    rule = ctx.rules.get(binding.rule) if binding else None
    if rule is None or depth >= _limit() or undeclared(rule, target.system.id, ctx.config):
        return None
    cut = cutoffs(rule, ctx.today)
    over = target.due(rule.events, cut.active, ctx.timezone)
    if rule.then != "delete":  # anonymized rows stay; only an archive removes them
        if rule.archive is None or cut.archive is None:
            return None
        over = and_(over, ~target.due(rule.events, cut.archive, ctx.timezone))
    reasons = list(target.held_reasons(ctx, depth).values())
    held = func.coalesce(or_(*reasons), false()) if reasons else false()
    return and_(over, not_(held))


def _kept(relative: Target, ctx: Context, depth: int, chain: list[Target], via: Any = None) -> Any:
    """A relative row that stays after this run: a predicate, ``None`` when it cannot be
    told (then the relative keeps while it exists), ``False`` when it never stays."""
    if depth >= _limit():
        return None
    if relative.collection.retention is None and relative.collection.immutable:
        return None  # never overwritten nor deleted: it keeps its owners while it exists
    if relative.collection.retention is not None:
        gone = removed_now(relative, ctx, depth)
        return None if gone is None else not_(func.coalesce(gone, false()))
    reasons = list(relative.own_holds(ctx).values())
    # a row with several owners stays while any of them is held: deleting it with the
    # owner that goes would take what a hold or a restriction on the other one keeps
    # (``via``: the reference to the row being deleted, whose own holds are its own test;
    # testing them again per row made a sweep of 1,000,000 rows 3 times slower)
    other_owner = relative.owner_held(ctx, depth, skip=via)
    if other_owner is not None:
        reasons.append(other_owner)
    below = descendant_kept(relative, ctx, depth, chain)
    named = referenced_live(relative, ctx, depth, chain)
    reasons += [r for r in (below, named) if r is not None]
    return func.coalesce(or_(*reasons), false()) if reasons else False


def descendant_kept(
    target: Target, ctx: Context, depth: int, chain: list[Target]
) -> ColumnElement[bool] | None:
    """Some row these rows own (directly or below) stays, so these rows cannot go."""
    clauses = []
    for child, ref in target.children():
        if any(c.collection == child.collection for c in chain) or depth + 1 >= _limit():
            clauses.append(exists().where(target.link(child, ref)))
            continue
        kept = _kept(child, ctx, depth + 1, [*chain, child], via=ref)
        if kept is None:
            clauses.append(exists().where(target.link(child, ref)))
        elif kept is not False:
            clauses.append(exists().where(target.link(child, ref), kept))
    return or_(*clauses) if clauses else None


def referenced_live(
    target: Target, ctx: Context, depth: int, chain: list[Target]
) -> ColumnElement[bool] | None:
    """A live row outside the deletion names these rows (a foreign key would refuse, and
    the row that names them would lose what it names). Rows of the deletion itself (the
    ancestors in ``chain``) do not count: they go in the same transaction."""
    clauses = []
    for referrer, ref in _referrers(target):
        outside = [
            ~a.same_row(referrer) for a in chain if a.collection == referrer.collection
        ] + _not_owned_by(referrer, chain)
        kept = None  # a referrer without a rule stays, unless its owner goes now
        if depth + 1 < _limit():
            if referrer.collection.retention is not None:
                kept = _kept(referrer, ctx, depth + 1, [*chain, referrer])
            else:
                gone = _goes_with_owner(referrer, ctx, depth + 1)
                kept = None if gone is None else not_(gone)
        if kept is False:
            continue
        parts = [target.link(referrer, ref), *outside]
        deleted = ctx.gone.get((referrer.system.id, referrer.collection.name))
        if deleted:
            parts.append(~referrer.key_in(list(deleted)))  # deleted by this run: keeps nothing
        if kept is not None:
            parts.append(kept)
        clauses.append(exists().where(and_(*parts)))
    return or_(*clauses) if clauses else None


def _goes_with_owner(row: Target, ctx: Context, depth: int) -> ColumnElement[bool] | None:
    """Rows without a rule that this run deletes with an owner (the owner's own step)."""
    clauses = []
    for owner, ref in row.owners():
        if depth + 1 >= _limit():
            continue
        if owner.collection.retention is not None:
            gone = removed_now(owner, ctx, depth + 1)
        else:
            gone = _goes_with_owner(owner, ctx, depth + 1)
        if gone is not None:
            clauses.append(exists().where(owner.link(row, ref), gone))
    return or_(*clauses) if clauses else None


def _not_owned_by(referrer: Target, chain: list[Target]) -> list[ColumnElement[bool]]:
    """The referrer row is not owned by a row of the deletion (it goes with it)."""
    out = []
    for a in chain:
        for ref in referrer.collection.references:
            if ref.meaning == "owns" and ref.to == a.collection.name:
                out.append(~func.coalesce(a.link(referrer, ref), false()))
    return out


def _referrers(target: Target) -> list[tuple[Target, Any]]:
    """Non-owning references to these rows, self-references included (on an alias)."""
    out = list(target.referrers())
    for ref in target.self_referrers():
        if ref.meaning != "owns":
            out.append((target.child(target.collection.name), ref))
    return out
