"""On PostgreSQL a discovery's independent lookups go out together (one pipeline per
step): the person's rows, and the export's files, are exactly those of lookups sent one
by one through SQLAlchemy."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from garant.app import Garant
from garant.connectors import connector_for
from garant.store.uow import SYSTEM
from garant.subjects.export import export_subject
from garant.subjects.find import traverse
from garant.subjects.rules import Identity
from tests.conftest import write_workspace
from tests.subjects.test_shared_rows import DATA, MAP, SCHEMA

STAFF = "Access to your data by our staff"


@pytest.fixture
def pg_shop(
    pg_url: str, tmp_path: Path, make_garant: Callable[..., Garant], monkeypatch: pytest.MonkeyPatch
) -> Garant:
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        for statement in SCHEMA + DATA:
            conn.execute(text(statement))
    engine.dispose()
    root = write_workspace(tmp_path / "ws")
    (root / "datamap.yaml").write_text(MAP.format(kind="postgresql"), encoding="utf-8")
    monkeypatch.setenv("SHOP_URL", pg_url)
    return make_garant(name="ws")


def _files(garant: Garant, email: str, out: Path) -> tuple[dict[str, bytes], Any]:
    with garant.unit_of_work(SYSTEM) as uow:
        export_subject(uow=uow, identities=[Identity("email", email)], out=out,
                       purpose="access request", lang="en")  # fmt: skip
    with zipfile.ZipFile(out) as archive:
        files = {n: archive.read(n) for n in archive.namelist() if n.startswith("shop/")}
        records = json.loads(archive.read("manifest.json"))["garant_records"]
    return files, records


def _found(garant: Garant, email: str) -> Any:
    found = traverse(garant, [Identity("email", email)])
    return [(r.collection.name, r.owned, r.context) for r in found.rowsets]


def test_af_d1_pipelined_discovery_and_export_match_statements_sent_one_by_one(
    pg_shop: Garant, tmp_path: Path, pipelines: list[int]
) -> None:
    """AF-D1: Ann then Bob (who paid for one of Ann's rentals: shown as context, never his
    own), each discovered and exported first through SQLAlchemy one statement at a time (a
    listener on the engine keeps it so), then twice more with each step's lookups sent
    together: the same own and context rows, byte for byte the same files, and Garant's
    own records about them (read while the database works) list the earlier exports."""
    engine = connector_for(pg_shop, "shop").engine  # type: ignore[attr-defined]

    def listen(*args: object) -> None:
        pass

    for email in ("ann@x.example", "bob@x.example"):
        event.listen(engine, "before_cursor_execute", listen)
        found, (files, records) = _found(pg_shop, email), _files(pg_shop, email, tmp_path / "a")
        event.remove(engine, "before_cursor_execute", listen)
        assert not pipelines and records == []  # nobody reached their data before
        traverse(pg_shop, [Identity("email", email)])  # statements learned without a listener
        for earlier in (1, 2):
            pipelines.clear()
            assert _found(pg_shop, email) == found
            assert _files(pg_shop, email, tmp_path / "b") == (
                files,
                [{"title": STAFF, "rows": earlier}],
            )
            assert max(pipelines) >= 2  # at least one step went out as one pipeline
        pipelines.clear()
    bob = {name: (set(own), set(ctx)) for name, own, ctx in _found(pg_shop, "bob@x.example")}
    assert bob["rental"] == ({(20,)}, {(10,)}) and max(pipelines) >= 2
