"""Revision 0014_hardening adds the revocation of a package's download link to a store that
already holds packages: their rows stay, their links keep working, and they can be
revoked afterwards (SQLite's batch copy of the table, PostgreSQL's ALTER)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from garant.app import Garant
from garant.clock import FixedClock
from garant.keys.keyring import load_keyring
from garant.rights import package
from garant.rights.models import RequestPackage
from garant.store.base import UTCDateTime
from garant.store.engine import Store
from garant.store.migrate import current_heads, upgrade
from garant.store.models import metadata
from tests.conftest import write_workspace

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _filled(name: str, **given: Any) -> dict[str, Any]:
    """A row as revision 0013 holds it: every required column of the table set to a plain
    value of its type (the columns 0014 adds are nullable, so left out)."""
    row: dict[str, Any] = {}
    for column in metadata.tables[name].c:
        if column.nullable or column.default is not None or column.autoincrement is True:
            continue
        kind = datetime if isinstance(column.type, UTCDateTime) else column.type.python_type
        plain = {int: 1, str: "x", bool: False, datetime: AT, date: AT.date(), bytes: b""}
        row[column.name] = plain.get(kind, "x")
    return row | given


def test_upgrade_from_0013_keeps_packages_and_their_links(store_url: str, tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws")
    keys = load_keyring(file=root / "keys" / "garant-keys.json", env="GARANT_TEST_NO_KEYS_ENV",
                        demo=False)  # fmt: skip
    store = Store(store_url, keys=keys)
    try:
        upgrade(store, "0013_retention_safety")
        with store.engine.begin() as conn:
            conn.execute(
                insert(metadata.tables["rights_requests"]), _filled("rights_requests", id=7)
            )
            conn.execute(
                insert(metadata.tables["request_packages"]),
                _filled("request_packages", id=3, request_id=7, content=b"sealed zip",
                        expires_at=AT + timedelta(days=30)),
            )  # fmt: skip
        upgrade(store, "0014_hardening")
        assert current_heads(store) == {"0014_hardening"}
    finally:
        store.dispose()
    garant = Garant.open(root, clock=FixedClock(AT), database_url=store_url)
    try:
        with garant.unit_of_work() as uow:
            kept = uow.session.get(RequestPackage, 3)
            assert kept is not None and kept.content == b"sealed zip"
            assert kept.revoked_at is None and kept.revoke_reason is None
            assert kept.expires_at == AT + timedelta(days=30)
            assert package.live(kept)
            package.revoke(uow=uow, package_id=3)
        with garant.unit_of_work(read_only=True) as uow:
            revoked = uow.session.get(RequestPackage, 3)
            assert revoked is not None and revoked.revoked_at == AT
            assert revoked.revoke_reason == "staff" and not package.live(revoked)
    finally:
        garant.close()
