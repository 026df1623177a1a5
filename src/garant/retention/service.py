"""Use cases the surfaces share: what the back office and the API show and do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from garant.i18n import gettext as _
from garant.retention import archive, holds
from garant.retention.conditions import load_config
from garant.retention.models import RetentionRun
from garant.retention.rules import policy_rules, warnings
from garant.retention.schemas import ArchiveRead, HoldCreate, HoldRead, RunRead
from garant.retention.steps import undeclared
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant


def recent_runs(*, uow: UnitOfWork, limit: int = 20) -> list[RunRead]:
    query = select(RetentionRun).order_by(RetentionRun.id.desc()).limit(limit)
    return [RunRead.model_validate(r) for r in uow.session.scalars(query)]


def place_hold(*, uow: UnitOfWork, data: HoldCreate) -> HoldRead:
    hold = holds.add_hold(
        uow=uow,
        reason=data.reason,
        identity=holds.parse_identity(data.identity) if data.identity else None,
        collection=holds.parse_collection(data.collection) if data.collection else None,
    )
    return HoldRead.model_validate(hold)


def hold_rows(*, uow: UnitOfWork) -> list[HoldRead]:
    return [HoldRead.model_validate(h) for h in holds.list_holds(uow=uow)]


def archive_rows(*, uow: UnitOfWork, include_destroyed: bool = False) -> list[ArchiveRead]:
    bundles = archive.list_bundles(uow=uow, include_destroyed=include_destroyed)
    return [ArchiveRead.model_validate(b) for b in bundles]


def verify_all(garant: Garant, *, uow: UnitOfWork) -> dict[str, Any]:
    """Every archive.create event against a live or properly destroyed bundle."""
    from garant.retention.archive_evidence import verify_archives

    return verify_archives(uow=uow).as_dict()


def rule_warnings(garant: Garant) -> list[str]:
    """Where the law and the policy's words disagree (DEF-R5, AF-R0), and conditions the
    engine cannot test (their rows are all kept until ``retention.yaml`` defines them)."""
    rules = policy_rules(garant.policy)
    from garant.i18n.labels import named

    out = warnings(rules.values(), lambda rule_id: named(garant.policy, rule_id))
    if not garant.datamap_path.exists():
        return out
    config = load_config(garant.workspace)
    out.extend(unlimited(garant))
    for system, coll in garant.datamap.all_collections():
        rule = rules.get(coll.retention.rule) if coll.retention else None
        if rule is None:
            continue
        for name in undeclared(rule, system.id, config):
            out.append(
                _(
                    '{collection}: the hold condition "{condition}" of the rule "{rule}" is not '
                    "defined in retention.yaml; every row is kept until it is"
                ).format(
                    collection=f"{system.id}.{coll.name}",
                    condition=name,
                    rule=named(garant.policy, rule.id),
                )
            )
    return out


def owned_by_bound(
    garant: Garant, system: Any, coll: Any, seen: frozenset[str] = frozenset()
) -> bool:
    """Rows owned (transitively) by rows under a rule go with them: their period is bounded."""
    for ref in coll.references:
        if ref.meaning != "owns" or ref.to in seen:
            continue
        parent = system.get_collection(ref.to)
        if parent is not None and (
            parent.retention is not None
            or owned_by_bound(garant, system, parent, seen | {coll.name})
        ):
            return True
    return False


def unlimited(garant: Garant) -> list[str]:
    """AF-PD1 (limited retention): personal data with no rule and no owner under a rule."""
    out = []
    for system, coll in garant.datamap.all_collections():
        personal = bool(coll.identity) or any(
            not f.third_party and f.category not in ("other", "professional") for f in coll.fields
        )
        if coll.shared or coll.retention is not None or not personal:
            continue
        if not owned_by_bound(garant, system, coll):
            out.append(
                _(
                    "{collection}: personal data with no retention rule and no owner under one; "
                    "nothing limits how long it is kept (AF-PD1)"
                ).format(collection=f"{system.id}.{coll.name}")
            )
    return out
