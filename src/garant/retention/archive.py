"""The intermediate archive (DEF-R3, DEF-R5, DEF-R6).

A bundle is the extract of some rows reduced to the fields their legal duty requires,
encrypted with AES-GCM (``garant.keys``), written to the archive medium
(``settings.archive.directory``) beside a manifest of hashes, and recorded in the store.
It can be read only through an audited restore by an archivist, and is destroyed when
its own period ends, leaving a proof of destruction.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from garant.accounts.roles import Permission, allows
from garant.errors import Conflict, IntegrityError, InvalidInput, NotFound, PermissionDenied
from garant.retention.models import ArchiveBundle
from garant.store.uow import UnitOfWork

PURPOSE = "archive.bundle"


def archive_dir(garant: Any) -> Path:
    path = Path(garant.settings.archive.directory)
    return path if path.is_absolute() else garant.workspace / path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def bundle_id(system: str, collection: str, keys: list[Any]) -> str:
    """Same rows, same id: a crashed batch redone writes the same bundle, never a second."""
    return _sha(_canonical([system, collection, sorted(str(k) for k in keys)]))[:32]


def write_bundle(
    garant: Any,
    *,
    bid: str,
    meta: dict[str, Any],
    rows: list[dict[str, Any]],
) -> dict[str, Any]:
    """Encrypt and write a bundle and its manifest; returns the manifest."""
    folder = archive_dir(garant)
    folder.mkdir(parents=True, exist_ok=True)
    plain = gzip.compress(_canonical(rows))
    sealed = garant.keys.encrypt(PURPOSE, plain, bid.encode())
    _write(folder / f"{bid}.bundle", sealed)
    manifest = {
        **meta,
        "id": bid,
        "row_count": len(rows),
        "files": {f"{bid}.bundle": _sha(sealed)},
        "rows_sha256": [_sha(_canonical(r)) for r in rows],
        "key_version": garant.keys.current,
        "cipher": "AES-256-GCM",
    }
    _write(folder / f"{bid}.manifest.json", json.dumps(manifest, indent=1, default=str).encode())
    return manifest


def read_manifest(garant: Any, bid: str) -> dict[str, Any]:
    path = archive_dir(garant) / f"{bid}.manifest.json"
    if not path.exists():
        raise IntegrityError(f"archive {bid}: manifest missing from {path.parent}")
    return dict(json.loads(path.read_bytes()))


def manifest_hash(garant: Any, bid: str) -> str:
    return _sha((archive_dir(garant) / f"{bid}.manifest.json").read_bytes())


def record_bundle(
    *, uow: UnitOfWork, manifest: dict[str, Any], reason: str, source: str | None = None
) -> ArchiveBundle:
    """Register a written bundle in the store (once: a re-run finds it there).

    ``source`` names what moved the rows (``request:42`` for an erasure request).
    """
    bid = manifest["id"]
    existing = uow.session.get(ArchiveBundle, bid)
    if existing is not None:
        return existing
    bundle = ArchiveBundle(
        id=bid,
        system=manifest["system"],
        collection=manifest["collection"],
        rule=manifest["rule"],
        statute=manifest.get("statute"),
        fields=list(manifest["fields"]),
        row_count=manifest["row_count"],
        manifest_hash=manifest_hash(uow.garant, bid),
        created_at=datetime.fromisoformat(manifest["created_at"]),
        expires_at=datetime.fromisoformat(manifest["expires_at"]),
        reason=reason,
    )
    uow.session.add(bundle)
    uow.session.flush()
    uow.audit(
        "archive.create",
        "archive_bundle",
        bid,
        details={
            "system": bundle.system,
            "collection": bundle.collection,
            "rule": bundle.rule,
            "rows": bundle.row_count,
            "reason": reason,
            "expires": bundle.expires_at.date().isoformat(),
            **({"source": source} if source else {}),
        },
    )
    return bundle


def archive_rows(
    *,
    uow: UnitOfWork,
    system: str,
    collection: str,
    keys: list[Any],
    reason: str = "erasure",
    ignore_hold_source: str | None = None,
) -> str | None:
    """For an erasure request: move rows under a legal duty to the archive (DEF-R3).

    Everything happens in the caller's ``uow`` (never a second unit of work): the bundles
    are written (one per destruction date), recorded with their audit events, and the live
    rows removed. Rows under a legal hold stay where they are (check :func:`holds.is_held`
    first to report it); ``ignore_hold_source`` leaves out the hold a request placed on
    its own person. Returns the first bundle's id, or ``None`` when no row was archived.
    For the two-step form a resumable job needs, see ``garant.retention.erasure``.
    """
    from garant.retention.erasure import archive_rows as move

    return move(
        uow,
        system=system,
        collection=collection,
        keys=keys,
        reason=reason,
        ignore_hold_source=ignore_hold_source,
    )


# --- list, verify, restore, destroy -------------------------------------------------
def list_bundles(*, uow: UnitOfWork, include_destroyed: bool = False) -> list[ArchiveBundle]:
    query = select(ArchiveBundle).order_by(ArchiveBundle.created_at, ArchiveBundle.id)
    if not include_destroyed:
        query = query.where(ArchiveBundle.destroyed_at.is_(None))
    return list(uow.session.scalars(query))


def get_bundle(uow: UnitOfWork, bid: str) -> ArchiveBundle:
    bundle = uow.session.get(ArchiveBundle, bid)
    if bundle is None:
        raise NotFound(f"no archive {bid}")
    return bundle


def verify_bundle(garant: Any, bundle: ArchiveBundle) -> list[str]:
    """Every hash checked: manifest against the store, files against the manifest, rows."""
    if bundle.destroyed_at is not None:
        return []
    folder = archive_dir(garant)
    problems: list[str] = []
    try:
        if manifest_hash(garant, bundle.id) != bundle.manifest_hash:
            problems.append(f"{bundle.id}: the manifest was altered")
        manifest = read_manifest(garant, bundle.id)
    except (IntegrityError, OSError, ValueError) as exc:
        return [f"{bundle.id}: {exc}"]
    for name, digest in manifest.get("files", {}).items():
        path = folder / name
        if not path.exists():
            problems.append(f"{bundle.id}: {name} is missing")
        elif _sha(path.read_bytes()) != digest:
            problems.append(f"{bundle.id}: {name} does not match its hash")
    if not problems:
        try:
            rows = _decrypt(garant, bundle.id)
            if [_sha(_canonical(r)) for r in rows] != manifest.get("rows_sha256"):
                problems.append(f"{bundle.id}: rows do not match their hashes")
        except IntegrityError as exc:
            problems.append(f"{bundle.id}: {exc}")
    return problems


def _decrypt(garant: Any, bid: str) -> list[dict[str, Any]]:
    sealed = (archive_dir(garant) / f"{bid}.bundle").read_bytes()
    plain = garant.keys.decrypt(PURPOSE, sealed, bid.encode())
    return list(json.loads(gzip.decompress(plain)))


def restore_bundle(*, uow: UnitOfWork, bundle_id: str, reason: str) -> list[dict[str, Any]]:
    """The archived rows, for the archivist only, with a reason, audited (DEF-R5)."""
    if not allows(uow.actor.role, Permission.ARCHIVE_RESTORE):
        raise PermissionDenied(
            f"restoring an archive needs the archivist role (yours: {uow.actor.role})"
        )
    if not reason or not reason.strip():
        raise InvalidInput("a restore needs a reason (court order, tax audit, ...)")
    bundle = get_bundle(uow, bundle_id)
    if bundle.destroyed_at is not None:
        raise Conflict(f"archive {bundle_id} was destroyed on {bundle.destroyed_at:%Y-%m-%d}")
    problems = verify_bundle(uow.garant, bundle)
    if problems:
        raise IntegrityError("; ".join(problems))
    rows = _decrypt(uow.garant, bundle_id)
    uow.audit(
        "archive.restore",
        "archive_bundle",
        bundle_id,
        details={"rows": len(rows), "role": uow.actor.role},
        payload={"reason": reason.strip()},
    )
    return rows


def _shred(path: Path) -> None:
    if path.exists():
        size = path.stat().st_size
        with open(path, "r+b") as fh:
            fh.write(os.urandom(size))
            fh.flush()
            os.fsync(fh.fileno())
        path.unlink()


def destroy_bundle(
    *, uow: UnitOfWork, bundle_id: str, override_reason: str | None = None
) -> ArchiveBundle:
    """Destroy an archive whose period has ended (DEF-R6), keeping a proof.

    Before its date the statute still requires the archive: destruction is refused unless
    ``override_reason`` documents why it must go now (a court order, a supervisory
    authority's decision); the reason is written to the proof and the audit log, and
    ``archive verify`` accepts an early destruction only with it.
    """
    bundle = get_bundle(uow, bundle_id)
    if bundle.destroyed_at is not None:
        return bundle
    now = uow.now()
    reason = (override_reason or "").strip() or None
    if bundle.expires_at > now and reason is None:
        raise Conflict(
            f"archive {bundle_id} is kept until {bundle.expires_at:%Y-%m-%d} "
            f"({bundle.statute or 'its legal duty'}); it cannot be destroyed before, unless "
            "an override reason is documented (--override-reason)"
        )
    proof = destruction_proof(uow, bundle, now=now, override_reason=reason)
    folder = archive_dir(uow.garant)
    _shred(folder / f"{bundle_id}.bundle")
    _write(folder / f"{bundle_id}.destroyed.json", json.dumps(proof, indent=1).encode())
    (folder / f"{bundle_id}.manifest.json").unlink(missing_ok=True)
    bundle.destroyed_at = now
    bundle.destruction_proof = proof
    uow.audit(
        "archive.destroy",
        "archive_bundle",
        bundle_id,
        details={
            "rows": bundle.row_count,
            "rule": bundle.rule,
            "proof_sha256": _sha(_canonical(proof)),
            "early": bundle.expires_at > now,
        },
        payload={"override_reason": reason} if reason else None,
    )
    return bundle


def destruction_proof(
    uow: UnitOfWork, bundle: ArchiveBundle, *, now: datetime, override_reason: str | None
) -> dict[str, Any]:
    """What was destroyed (the hashes of its manifest and encrypted file), when, by whom,
    and why when it was before its date."""
    folder = archive_dir(uow.garant)
    files: dict[str, str] = {}
    if (folder / f"{bundle.id}.manifest.json").exists():
        files = dict(read_manifest(uow.garant, bundle.id).get("files", {}))
    bundle_file = folder / f"{bundle.id}.bundle"
    proof: dict[str, Any] = {
        "bundle": bundle.id,
        "rows": bundle.row_count,
        "manifest_sha256": bundle.manifest_hash,
        "files": files,
        "bundle_sha256": _sha(bundle_file.read_bytes()) if bundle_file.exists() else None,
        "expired": bundle.expires_at.isoformat(),
        "destroyed_at": now.isoformat(),
        "by": uow.actor.label,
    }
    if override_reason:
        proof["override_reason"] = override_reason
    return proof


def destroy_expired(*, uow: UnitOfWork) -> int:
    expired = uow.session.scalars(
        select(ArchiveBundle.id).where(
            ArchiveBundle.destroyed_at.is_(None), ArchiveBundle.expires_at <= uow.now()
        )
    ).all()
    for bid in expired:
        destroy_bundle(uow=uow, bundle_id=bid)
    return len(expired)
