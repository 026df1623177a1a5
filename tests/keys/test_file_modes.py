"""Secrets at rest: the store's SQLite file and the key files are the owner's only (0600)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from garant.app import Garant
from garant.keys.keyring import generate_keyfile, load_keyring
from tests.conftest import write_workspace


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_key_files_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask would give 0644 to a plain write
    try:
        path = tmp_path / "keys" / "garant-keys.json"
        generate_keyfile(path)
        assert _mode(path) == 0o600
        assert _mode(path.parent) == 0o700
        ring = load_keyring(file=path, env="GARANT_TEST_NO_KEYS_ENV", demo=False)
        ring.rotate()
        assert _mode(path) == 0o600
        assert not path.with_suffix(".tmp").exists()
    finally:
        os.umask(old)


def test_an_existing_key_file_open_to_others_is_tightened_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "keys" / "garant-keys.json"
    generate_keyfile(path)
    os.chmod(path, 0o644)
    with caplog.at_level(logging.WARNING, logger="garant.keys"):
        load_keyring(file=path, env="GARANT_TEST_NO_KEYS_ENV", demo=False)
    assert _mode(path) == 0o600
    assert "was readable by others (mode 644)" in caplog.text


def test_the_sqlite_store_and_its_wal_are_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        root = write_workspace(tmp_path / "ws")
        garant = Garant.open(root)  # the workspace's own garant.db
        with garant.unit_of_work() as uow:
            uow.audit("test.action", "thing", 1)
        files = [root / "garant.db", root / "garant.db-wal", root / "garant.db-shm"]
        assert files[0].exists() and files[1].exists()
        for path in files:
            if path.exists():
                assert _mode(path) == 0o600, path
        garant.close()
    finally:
        os.umask(old)


def test_an_existing_store_open_to_others_is_tightened_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = write_workspace(tmp_path / "ws")
    Garant.open(root).close()
    db = root / "garant.db"
    os.chmod(db, 0o644)
    with caplog.at_level(logging.WARNING, logger="garant.store"):
        Garant.open(root).close()
    assert _mode(db) == 0o600
    assert "garant.db was readable by others (mode 644); set to 0600" in caplog.text


def test_a_key_version_that_sealed_payloads_and_mail_cannot_be_retired(
    make_garant: Callable[..., Garant],
) -> None:
    from garant.errors import ConfigError

    garant = make_garant()
    with garant.unit_of_work() as uow:
        uow.audit("test.action", "thing", 1, payload={"email": "a@example.org"})
    garant.keys.rotate()
    in_use: dict[str, int] = {}
    for probe in garant.key_usage_probes:
        in_use.update(probe(garant, 1))
    assert in_use["audit payloads"] == 1 and in_use["audit events"] == 1
    with pytest.raises(ConfigError, match="audit payloads: 1"):
        garant.keys.retire(1, in_use)
