"""Archive evidence: every archive the audit log says was made is live or properly
destroyed (DEF-R5, DEF-R6, issue 16).

Checking only the bundles the store lists misses an archive whose file, manifest and row
were all deleted, or one marked destroyed by hand before its date. The audit log is the
list of what must be accounted for: each ``archive.create`` event names a bundle, which
must still be in the store and either pass every hash (:func:`archive.verify_bundle`) or
carry a proof of destruction matching its ``archive.destroy`` event, made on or after its
date or with a documented override.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from garant.audit.models import AuditEvent
from garant.clock import local_date
from garant.retention import archive
from garant.retention.models import ArchiveBundle
from garant.store.uow import UnitOfWork


@dataclass
class ArchiveReport:
    bundles: int = 0
    events: int = 0
    destroyed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "bundles": self.bundles,
            "events": self.events,
            "destroyed": self.destroyed,
            "problems": self.problems,
            "ok": self.ok,
        }


def _events(uow: UnitOfWork, action: str) -> dict[str, AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
    return {str(e.object_id): e for e in uow.session.scalars(query)}


def _expiry_problem(
    uow: UnitOfWork, bundle: ArchiveBundle, created: AuditEvent | None
) -> str | None:
    expires = (created.details or {}).get("expires") if created else None
    # written as the date of the moment as it was built (local or UTC), read back in UTC
    dates = {bundle.expires_at.date(), local_date(bundle.expires_at, uow.garant.timezone)}
    if expires and expires not in {d.isoformat() for d in dates}:
        return (
            f"{bundle.id}: its destruction date was changed from {expires} "
            f"(recorded at its creation, event {created.seq if created else '?'}) "
            f"to {bundle.expires_at:%Y-%m-%d}"
        )
    return None


def _proof_file(uow: UnitOfWork, bid: str) -> dict[str, Any] | None:
    path = archive.archive_dir(uow.garant) / f"{bid}.destroyed.json"
    try:
        return dict(json.loads(path.read_bytes()))
    except (OSError, ValueError):
        return None


def destroyed_problems(
    uow: UnitOfWork, bundle: ArchiveBundle, destroyed: AuditEvent | None
) -> list[str]:
    """A destruction is proper when its proof, its event and its date agree."""
    bid, proof = bundle.id, bundle.destruction_proof or {}
    assert bundle.destroyed_at is not None
    if destroyed is None:
        return [f"{bid}: marked destroyed on {bundle.destroyed_at:%Y-%m-%d} with no "
                "archive.destroy event in the audit log"]  # fmt: skip
    out: list[str] = []
    details = destroyed.details or {}
    digest = details.get("proof_sha256")  # absent from events written before issue 16
    if not proof or (digest and archive._sha(archive._canonical(proof)) != digest):
        out.append(f"{bid}: its proof of destruction does not match event {destroyed.seq}")
    elif proof.get("manifest_sha256") != bundle.manifest_hash:
        out.append(f"{bid}: its proof of destruction names another manifest")
    if bundle.destroyed_at < bundle.expires_at and not proof.get("override_reason"):
        out.append(
            f"{bid}: destroyed on {bundle.destroyed_at:%Y-%m-%d}, before its date "
            f"{bundle.expires_at:%Y-%m-%d}, with no documented override"
        )
    if _proof_file(uow, bid) != proof:
        out.append(f"{bid}: the proof of destruction on the archive medium is missing or differs")
    if (archive.archive_dir(uow.garant) / f"{bid}.bundle").exists():
        out.append(f"{bid}: marked destroyed but its bundle file is still on the medium")
    return out


def verify_archives(*, uow: UnitOfWork) -> ArchiveReport:
    """Every archive.create event against a live or properly destroyed bundle, and every
    bundle in the store against its creation event."""
    created, destroyed = _events(uow, "archive.create"), _events(uow, "archive.destroy")
    bundles = {b.id: b for b in uow.session.scalars(select(ArchiveBundle))}
    report = ArchiveReport(bundles=len(bundles), events=len(created))
    for bid, event in created.items():
        if bid not in bundles:
            report.problems.append(
                f"{bid}: archived on {event.at:%Y-%m-%d} (event {event.seq}) but gone from the "
                "store, with no proof of destruction"
            )
    for bid, bundle in sorted(bundles.items()):
        if bid not in created:
            report.problems.append(f"{bid}: in the store with no archive.create event")
        expiry = _expiry_problem(uow, bundle, created.get(bid))
        if expiry:
            report.problems.append(expiry)
        if bundle.destroyed_at is None:
            report.problems.extend(archive.verify_bundle(uow.garant, bundle))
        else:
            report.destroyed += 1
            report.problems.extend(destroyed_problems(uow, bundle, destroyed.get(bid)))
    return report
