"""Carrying an objection out (Art. 21, AF-D5).

Prospecting: the person goes on the consent feature's suppression list, no reason asked.
Other activities: what staff decided. ``stop`` makes the objection a lasting block that
every use check honours; ``continue`` (compelling legitimate grounds recorded) lifts the
restriction held while the objection was pending, after telling the person (Art. 18(3)).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from garant.rights import decisions, policy_view, restriction, service
from garant.rights.models import Restriction, RightsRequest
from garant.rights.rules import Decision, RestrictionGround
from garant.store.uow import UnitOfWork


def apply(uow: UnitOfWork, req: RightsRequest) -> dict[str, Any]:
    chosen = decisions.decisions_of(uow, req)
    ids = service.personal(uow, req).get("identities", {})
    suppressed = _suppress(uow, ids, [d.activity for d in chosen if d.ground == "art21_3"])
    stop = [d.activity for d in chosen if d.decision == Decision.STOP and d.ground != "art21_3"]
    if stop:
        restriction.start(uow=uow, req=req, ground=restriction.OBJECTION, activities=stop)
    pending = uow.session.scalars(
        select(Restriction).where(
            Restriction.request_id == req.id,
            Restriction.ground == RestrictionGround.OBJECTION_PENDING,
            Restriction.status == "active",
        )
    )
    lifted = [restriction.lift(uow=uow, restriction_id=r.id).id for r in pending]
    return {"suppressed": suppressed, "stopped": stop, "lifted": lifted}


def _suppress(uow: UnitOfWork, ids: dict[str, str], activities: list[str]) -> list[str]:
    from garant.consent.suppression import add

    purposes: dict[str, None] = {}
    for activity in activities:
        view = policy_view.activity(uow.garant.policy, activity)
        purposes.setdefault(view.consent_purpose if view and view.consent_purpose else "*", None)
    for purpose in purposes:
        for kind, value in sorted(ids.items()):
            add(uow=uow, identity=(kind, value), purpose=purpose, reason="objection")
    return list(purposes)
