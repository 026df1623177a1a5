"""The keyed hash made from precomputed HMAC states equals the standard library's HMAC, so
hashes stored before (consents, suppression entries, restrictions) still match."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import pytest

from garant.errors import IntegrityError
from garant.keys.keyring import KeyedHasher, KeyRing, generate_keyfile, load_keyring

MESSAGES = [b"", b"email:a@b.org", "email:élodie@exemple.fr".encode(), b"x" * 64, b"y" * 1000]


@pytest.mark.parametrize("size", [16, 32, 64, 65, 200])
def test_keyed_hasher_is_hmac_sha256(size: int) -> None:
    key = os.urandom(size)
    hasher = KeyedHasher(key, "v7:")
    expected = ["v7:" + hmac.new(key, m, hashlib.sha256).hexdigest() for m in MESSAGES]
    assert [hasher(m) for m in MESSAGES] == expected
    assert hasher.many(MESSAGES) == expected
    assert hasher.many(iter(MESSAGES)) == expected


def test_keyed_hash_unchanged_and_rotation_keeps_working(tmp_path: Path) -> None:
    """AF-R7: entries hashed before stay found; a rotation adds a version, retiring drops it."""
    path = tmp_path / "keys" / "k.json"
    generate_keyfile(path)
    ring = load_keyring(file=path, env="GARANT_TEST_UNSET_KEYS", demo=False)
    value = "email:a@b.org"
    key_v1 = ring.derive("subject.identity", 1)
    old = "v1:" + hmac.new(key_v1, value.encode(), hashlib.sha256).hexdigest()
    assert ring.keyed_hash("subject.identity", value) == old
    ring.rotate()
    key_v2 = ring.derive("subject.identity", 2)
    new = "v2:" + hmac.new(key_v2, value.encode(), hashlib.sha256).hexdigest()
    assert ring.keyed_hashes("subject.identity", value) == [old, new]
    assert ring.hasher("subject.identity")(value.encode()) == new
    assert ring.verify_hash("subject.identity", value, old)
    ring.retire(1, {})
    assert ring.keyed_hashes("subject.identity", value) == [new]


def test_demo_ring_hashes_as_before() -> None:
    ring = KeyRing({1: b"k" * 32}, demo=True)
    with pytest.raises(IntegrityError, match="version 2"):
        ring.keyed_hash("p", "v", 2)
    key = ring.derive("p", 1)
    assert ring.keyed_hash("p", "v") == "v1:" + hmac.new(key, b"v", hashlib.sha256).hexdigest()
