"""Backup and restore of Garant's own store (AF-SEC1: backups with restore tests).

A backup is every row of every table, as JSON lines, compressed and encrypted under the
workspace's keys, with a manifest of counts and a hash. It moves between SQLite and
PostgreSQL. A restore reads and checks the whole file before it removes anything, then
replaces the content in one transaction.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.engine import Connection

from garant.errors import IntegrityError, InvalidInput
from garant.store.models import metadata
from garant.store.uow import Actor

if TYPE_CHECKING:
    from garant.app import Garant

PURPOSE = "store.backup"
FORMAT = "garant-backup/1"
BATCH = 2000


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "$dt":
            return datetime.fromisoformat(inner)
        if key == "$d":
            return date.fromisoformat(inner)
        if key == "$b":
            return base64.b64decode(inner)
    return value


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    result = conn.execution_options(stream_results=True).execute(select(table))
    for row in result.mappings():
        yield {k: _encode(v) for k, v in row.items()}


def backup(garant: Garant, path: Path, *, actor: Actor) -> dict[str, int]:
    counts: dict[str, int] = {}
    lines: list[str] = []
    with garant.store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in _rows(conn, table):
                lines.append(json.dumps({"t": table.name, "r": row}, default=str))
                counts[table.name] = counts.get(table.name, 0) + 1
    body = "\n".join(lines).encode()
    manifest = {
        "format": FORMAT,
        "created_at": garant.clock.now().isoformat(),
        "counts": counts,
        "sha256": hashlib.sha256(body).hexdigest(),
        "backend": garant.store.backend,
    }
    sealed = garant.keys.encrypt(PURPOSE, gzip.compress(body), json.dumps(manifest).encode())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(json.dumps(manifest).encode() + b"\n" + sealed)
    tmp.replace(path)
    with garant.unit_of_work(actor) as uow:
        uow.audit("store.backup", "store", None, details={"records": sum(counts.values())})
    return counts


def _read(garant: Garant, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such backup file") from None
    head, _, sealed = raw.partition(b"\n")
    try:
        manifest = json.loads(head)
    except ValueError:
        raise InvalidInput(f"{path}: not a Garant backup") from None
    if manifest.get("format") != FORMAT:
        raise InvalidInput(f"{path}: not a Garant backup ({manifest.get('format')})")
    body = gzip.decompress(garant.keys.decrypt(PURPOSE, sealed, head))
    if hashlib.sha256(body).hexdigest() != manifest["sha256"]:
        raise IntegrityError(f"{path}: the backup does not match its manifest")
    records = [json.loads(line) for line in body.decode().splitlines() if line]
    return manifest, records


MAIL_FIELDS = ("recipient", "subject", "body_text", "body_html", "headers")


def _seal_legacy(garant: Garant, by_table: dict[str, list[dict[str, Any]]]) -> None:
    """Rows of a backup made before revision 0012 kept audit payloads and mail in clear:
    encrypt them as that revision does, so an older backup restores into this schema."""
    from garant.audit.chain import seal_payload
    from garant.mail.sealed import ClearMail, seal_mail

    keys = garant.keys
    for row in by_table.get("audit_payloads", []):
        if isinstance(row.get("data"), dict):
            row["data"] = seal_payload(keys, int(row["seq"]), row["data"])
            row["key_version"] = keys.current
    for row in by_table.get("mail_outbox", []):
        if "sealed" in row or not any(name in row for name in MAIL_FIELDS):
            continue
        clear = {name: row.pop(name, None) for name in MAIL_FIELDS}
        mail = ClearMail(clear["recipient"], clear["subject"] or "", clear["body_text"],
                         clear["body_html"], dict(clear["headers"] or {}))  # fmt: skip
        row["sealed"] = seal_mail(keys, str(row["idempotency_key"]), mail)
        row["key_version"] = keys.current


def restore(garant: Garant, path: Path, *, actor: Actor) -> dict[str, int]:
    manifest, records = _read(garant, path)
    by_table: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_table.setdefault(record["t"], []).append({k: _decode(v) for k, v in record["r"].items()})
    _seal_legacy(garant, by_table)
    known = {t.name for t in metadata.sorted_tables}
    unknown = set(by_table) - known
    if unknown:
        raise InvalidInput(f"{path}: tables this version does not know: {sorted(unknown)}")
    with garant.store.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(delete(table))
        for table in metadata.sorted_tables:
            rows = by_table.get(table.name, [])
            for start in range(0, len(rows), BATCH):
                conn.execute(insert(table), rows[start : start + BATCH])
        _reset_sequences(conn)
    with garant.unit_of_work(actor) as uow:
        uow.audit(
            "store.restore",
            "store",
            None,
            details={"records": len(records), "backup_created": manifest["created_at"]},
        )
    return {name: len(rows) for name, rows in by_table.items()}


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL keeps serial counters apart from the rows; move them past what came back."""
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        column = pk[0]
        highest = select(func.coalesce(func.max(column), 0) + 1).scalar_subquery()
        sequence = func.pg_get_serial_sequence(table.name, column.name)
        conn.execute(select(func.setval(sequence, highest, False)))
