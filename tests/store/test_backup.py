"""AF-SEC1: backups of Garant's own store, with a tested restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from garant.accounts.models import StaffUser
from garant.accounts.service import add_user
from garant.app import Garant
from garant.audit import chain
from garant.audit.models import AuditEvent
from garant.errors import IntegrityError, InvalidInput
from garant.jobs.models import Job
from garant.jobs.service import enqueue
from garant.store.backup import backup, restore
from garant.store.models import metadata
from garant.store.uow import SYSTEM


def _counts(garant: Garant) -> dict[str, int]:
    with garant.store.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def _fill(garant: Garant) -> None:
    with garant.unit_of_work() as uow:
        for i in range(3):
            add_user(uow=uow, email=f"staff{i}@org.example", role="privacy", password="x" * 14)
        enqueue(uow=uow, kind="mail.send", key="k1", payload={"message_id": 1})
        uow.audit("test.proof", "thing", 1, payload={"email": "someone@example.org"})


def test_af_sec1_restore_of_a_backup_finds_every_record(garant: Garant, tmp_path: Path) -> None:
    _fill(garant)
    before = _counts(garant)
    file = tmp_path / "store.bak"
    written = backup(garant, file, actor=SYSTEM)
    assert sum(written.values()) == sum(before.values())

    with garant.unit_of_work() as uow:  # changes after the backup are undone by the restore
        add_user(uow=uow, email="late@org.example", role="auditor", password="y" * 14)
    restore(garant, file, actor=SYSTEM)

    after = _counts(garant)
    assert after.pop("audit_events") == before.pop("audit_events") + 1  # the restore's own event
    assert after == before
    with garant.unit_of_work() as uow:
        emails = set(uow.session.scalars(select(StaffUser.email)))
        assert emails == {f"staff{i}@org.example" for i in range(3)}
        assert uow.session.scalar(select(func.count()).select_from(Job)) == 1
        assert chain.verify(uow.session, uow.keys).ok
        # serial counters move past the restored rows: a new record gets a fresh id
        new = add_user(uow=uow, email="new@org.example", role="auditor", password="z" * 14)
        assert new.id > 3


def test_af_sec1_backup_moves_between_sqlite_and_postgres(
    make_garant: object, pg_url: str, tmp_path: Path
) -> None:
    build = make_garant  # type: ignore[assignment]
    source: Garant = build(url=f"sqlite:///{tmp_path / 'a.db'}")  # type: ignore[operator]
    _fill(source)
    file = tmp_path / "move.bak"
    backup(source, file, actor=SYSTEM)
    target: Garant = build(url=pg_url)  # type: ignore[operator]
    restore(target, file, actor=SYSTEM)
    with target.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StaffUser)) == 3
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent)) >= 5
        assert chain.verify(uow.session, uow.keys).ok


def test_tampered_backup_is_refused_and_the_store_left_alone(
    garant: Garant, tmp_path: Path
) -> None:
    _fill(garant)
    file = tmp_path / "store.bak"
    backup(garant, file, actor=SYSTEM)
    raw = bytearray(file.read_bytes())
    raw[-5] ^= 0xFF
    file.write_bytes(bytes(raw))
    before = _counts(garant)
    with pytest.raises(IntegrityError):
        restore(garant, file, actor=SYSTEM)
    assert _counts(garant) == before


def test_missing_or_foreign_file_is_a_clear_error(garant: Garant, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such backup"):
        restore(garant, tmp_path / "nope.bak", actor=SYSTEM)
    other = tmp_path / "other.bak"
    other.write_text("hello\nworld")
    with pytest.raises(InvalidInput, match="not a Garant backup"):
        restore(garant, other, actor=SYSTEM)
