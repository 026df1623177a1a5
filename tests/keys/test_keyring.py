"""Versioned keys: rotation keeps old data readable; retiring refuses keys in use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from garant.errors import ConfigError, IntegrityError
from garant.keys.keyring import generate_keyfile, load_keyring


def _ring(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "keys" / "k.json"
    generate_keyfile(path)
    return load_keyring(file=path, env="GARANT_TEST_UNSET_KEYS", demo=False)


def test_rotation_keeps_what_older_keys_made(tmp_path: Path) -> None:
    ring = _ring(tmp_path)
    old_hash = ring.keyed_hash("subject", "email:a@b.org")
    sealed = ring.encrypt("archive", b"invoice 42")
    signature = ring.sign("link", "person:1")
    assert ring.rotate() == 2
    reloaded = load_keyring(file=tmp_path / "keys" / "k.json", env="X_UNSET", demo=False)
    assert reloaded.current == 2
    assert reloaded.decrypt("archive", sealed) == b"invoice 42"
    assert reloaded.verify_signature("link", "person:1", signature)
    assert reloaded.verify_hash("subject", "email:a@b.org", old_hash)
    assert old_hash in reloaded.keyed_hashes("subject", "email:a@b.org")
    assert reloaded.keyed_hash("subject", "email:a@b.org") != old_hash


def test_retire_is_refused_while_data_made_with_the_key_lives(tmp_path: Path) -> None:
    ring = _ring(tmp_path)
    ring.rotate()
    with pytest.raises(ConfigError, match="suppression: 4"):
        ring.retire(1, {"suppression": 4, "consent": 0})
    with pytest.raises(ConfigError, match="current"):
        ring.retire(2, {})
    ring.retire(1, {"suppression": 0})
    assert set(ring.masters) == {2}


def test_tampered_ciphertext_and_unknown_version_are_refused(tmp_path: Path) -> None:
    ring = _ring(tmp_path)
    blob = bytearray(ring.encrypt("archive", b"data"))
    blob[-1] ^= 1
    with pytest.raises(IntegrityError):
        ring.decrypt("archive", bytes(blob))
    assert not ring.verify_signature("link", "m", "9.abc")
    assert not ring.verify_signature("link", "m", "garbage")


def test_purposes_derive_different_keys(tmp_path: Path) -> None:
    ring = _ring(tmp_path)
    assert ring.keyed_hash("a", "x") != ring.keyed_hash("b", "x")


def test_demo_key_is_refused_outside_a_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from garant.keys.keyring import DEMO_MASTER

    monkeypatch.setenv("GARANT_TEST_KEYS", json.dumps({"keys": {"1": DEMO_MASTER}}))
    with pytest.raises(ConfigError, match="demo key"):
        load_keyring(file=tmp_path / "none.json", env="GARANT_TEST_KEYS", demo=False)
    with pytest.raises(ConfigError, match="no keys"):
        load_keyring(file=tmp_path / "none.json", env="GARANT_TEST_UNSET", demo=False)
