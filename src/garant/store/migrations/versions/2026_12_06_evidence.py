"""audit chain anchors, archive destruction proofs, secrets at rest

Revision ID: 0012_evidence
Revises: 0011_staff_sessions

The audit head gains a MAC (cutting the chain's end means rewinding it, which needs the
key). Audit payloads and the outbox's messages, kept in clear by earlier revisions, are
encrypted with the keyring here, row by row in batches: the store being migrated must be
opened with its keys (``Garant.open`` passes them); without keys only an empty table
migrates. The formats are those of ``garant.audit.chain.seal_payload`` and
``garant.mail.sealed.seal_mail``, written out here so that this revision never changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012_evidence"
down_revision: str | Sequence[str] | None = "0011_staff_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
PAYLOAD_PURPOSE = "audit.payload.cipher"
MAIL_PURPOSE = "mail.outbox"
HEAD_PURPOSE = "audit.head"
MAIL_FIELDS = ("recipient", "subject", "body_text", "body_html", "headers")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def _keys(table: str, count: int) -> Any:
    keys = op.get_context().config.attributes.get("keys")  # type: ignore[union-attr]
    if keys is None and count:
        raise RuntimeError(
            f"revision 0012 encrypts the {count} row(s) of {table} kept in clear: open the "
            "store with its workspace (`garant db upgrade`), which passes the keyring"
        )
    return keys


def _count(conn: sa.Connection, table: sa.TableClause, where: Any) -> int:
    return int(conn.scalar(sa.select(sa.func.count()).select_from(table).where(where)) or 0)


def _batches(conn: sa.Connection, query: Any, key: sa.ColumnClause[Any]) -> Any:
    last: Any = None
    while True:
        page = query if last is None else query.where(key > last)
        rows = conn.execute(page.order_by(key).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _seal_head(conn: sa.Connection) -> None:
    head = sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("hash"),
                    sa.column("mac"))  # fmt: skip
    row = conn.execute(sa.select(head.c.id, head.c.seq, head.c.hash)).first()
    if row is None or not row.seq:
        return
    keys = _keys("audit_head", 1)
    mac = keys.sign(HEAD_PURPOSE, f"{row.seq}|{row.hash}")
    conn.execute(head.update().where(head.c.id == row.id).values(mac=mac))


def _seal_payloads(conn: sa.Connection) -> None:
    table = sa.table("audit_payloads", sa.column("seq"), sa.column("data", sa.JSON()),
                     sa.column("sealed", sa.LargeBinary()), sa.column("key_version"))  # fmt: skip
    todo = table.c.data.is_not(None)
    keys = _keys("audit_payloads", _count(conn, table, todo))
    update = (
        table.update()
        .where(table.c.seq == sa.bindparam("k"))
        .values(sealed=sa.bindparam("s"), key_version=sa.bindparam("v"))
    )
    for rows in _batches(conn, sa.select(table.c.seq, table.c.data).where(todo), table.c.seq):
        values = [
            {
                "k": seq,
                "s": keys.encrypt(PAYLOAD_PURPOSE, _canonical(data).encode(), str(seq).encode()),
                "v": keys.current,
            }
            for seq, data in rows
            if data is not None
        ]
        if values:
            conn.execute(update, values)


def _seal_outbox(conn: sa.Connection) -> None:
    cols: list[sa.ColumnClause[Any]] = [
        sa.column(name) for name in ("id", "idempotency_key", *MAIL_FIELDS[:-1])
    ]
    table = sa.table("mail_outbox", *cols, sa.column("headers", sa.JSON()),
                     sa.column("sealed", sa.LargeBinary()), sa.column("key_version"))  # fmt: skip
    keys = _keys("mail_outbox", _count(conn, table, sa.true()))
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("k"))
        .values(sealed=sa.bindparam("s"), key_version=sa.bindparam("v"))
    )
    query = sa.select(table.c.id, table.c.idempotency_key,
                      *(table.c[name] for name in MAIL_FIELDS))  # fmt: skip
    for rows in _batches(conn, query, table.c.id):
        values = []
        for row in rows:
            clear = {name: getattr(row, name) for name in MAIL_FIELDS}
            clear["subject"] = clear["subject"] or ""
            clear["headers"] = clear["headers"] or {}
            plain = json.dumps(clear, ensure_ascii=False, separators=(",", ":")).encode()
            sealed = keys.encrypt(MAIL_PURPOSE, plain, str(row.idempotency_key).encode())
            values.append({"k": row.id, "s": sealed, "v": keys.current})
        conn.execute(update, values)


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("audit_head") as batch:
        batch.add_column(sa.Column("mac", sa.String(length=80), nullable=True))
    _seal_head(conn)

    with op.batch_alter_table("audit_payloads") as batch:
        batch.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("key_version", sa.Integer(), nullable=True))
    _seal_payloads(conn)
    with op.batch_alter_table("audit_payloads") as batch:
        batch.drop_column("data")
    with op.batch_alter_table("audit_payloads") as batch:
        batch.alter_column("sealed", new_column_name="data", existing_type=sa.LargeBinary())
        batch.create_index(batch.f("ix_audit_payloads_key_version"), ["key_version"])

    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("key_version", sa.Integer(), nullable=True))
    _seal_outbox(conn)
    with op.batch_alter_table("mail_outbox") as batch:
        for name in MAIL_FIELDS:
            batch.drop_column(name)
        batch.create_index(batch.f("ix_mail_outbox_key_version"), ["key_version"])


def _open_rows(conn: sa.Connection) -> None:
    """Downgrade: the sealed rows back in clear (needs the keyring too)."""
    payloads = sa.table("audit_payloads", sa.column("seq"), sa.column("data", sa.LargeBinary()),
                        sa.column("clear", sa.JSON()))  # fmt: skip
    keys = _keys("audit_payloads", _count(conn, payloads, payloads.c.data.is_not(None)))
    query = sa.select(payloads.c.seq, payloads.c.data).where(payloads.c.data.is_not(None))
    for rows in _batches(conn, query, payloads.c.seq):
        values = [
            {"k": seq, "c": json.loads(keys.decrypt(PAYLOAD_PURPOSE, data, str(seq).encode()))}
            for seq, data in rows
        ]
        conn.execute(
            payloads.update()
            .where(payloads.c.seq == sa.bindparam("k"))
            .values(clear=sa.bindparam("c")),
            values,
        )
    outbox = sa.table("mail_outbox", sa.column("id"), sa.column("idempotency_key"),
                      sa.column("sealed", sa.LargeBinary()),
                      *(sa.column(n, sa.JSON() if n == "headers" else sa.Text()) for n in MAIL_FIELDS))  # fmt: skip
    keys = _keys("mail_outbox", _count(conn, outbox, outbox.c.sealed.is_not(None)))
    query = sa.select(outbox.c.id, outbox.c.idempotency_key, outbox.c.sealed).where(
        outbox.c.sealed.is_not(None)
    )
    for rows in _batches(conn, query, outbox.c.id):
        for row_id, key, sealed in rows:
            clear = json.loads(keys.decrypt(MAIL_PURPOSE, sealed, str(key).encode()))
            conn.execute(outbox.update().where(outbox.c.id == row_id).values(**clear))


def downgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_index(batch.f("ix_mail_outbox_key_version"))
        batch.add_column(sa.Column("recipient", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("subject", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("body_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("body_html", sa.Text(), nullable=True))
        batch.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    with op.batch_alter_table("audit_payloads") as batch:
        batch.drop_index(batch.f("ix_audit_payloads_key_version"))
        batch.add_column(sa.Column("clear", sa.JSON(), nullable=True))
    _open_rows(conn)
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_column("key_version")
        batch.drop_column("sealed")
    with op.batch_alter_table("audit_payloads") as batch:
        batch.drop_column("key_version")
        batch.drop_column("data")
    with op.batch_alter_table("audit_payloads") as batch:
        batch.alter_column("clear", new_column_name="data", existing_type=sa.JSON())
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("mac")
