"""Versioned secret keys, kept outside the store.

One master secret per version; each use (audit seals, identity hashes, tokens,
encryption) derives its own subkey with HKDF, so that a leak of one derived key does not
expose the others. Every output names the key version that made it, so rotation can add a
new version while data made with an old one is still read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from garant.errors import ConfigError, IntegrityError

log = logging.getLogger("garant.keys")
DEMO_MASTER = base64.b64encode(b"garant-demo-master-key-32-bytes!").decode()


class KeyedHasher:
    """HMAC-SHA256 (RFC 2104) of many values under one key, as ``v{N}:{hex}``.

    The key's inner and outer SHA-256 states are computed once and copied for each value,
    as the standard library's own pure-Python ``hmac`` does; the output is exactly
    ``hmac.new(key, value, sha256)``'s. One value then costs about a third of the one-shot
    ``hmac.digest`` (which sets up an OpenSSL HMAC context every call): it matters when a
    campaign list of a million addresses is hashed.
    """

    def __init__(self, key: bytes, prefix: str):
        block = hashlib.sha256().block_size
        if len(key) > block:
            key = hashlib.sha256(key).digest()
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(key.translate(hmac.trans_36))
        self._outer = hashlib.sha256(key.translate(hmac.trans_5C))
        self.prefix = prefix

    def __call__(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return self.prefix + outer.hexdigest()

    def many(self, messages: Iterable[bytes]) -> list[str]:
        """Every message's hash, in a tight loop."""
        inner_base, outer_base, prefix = self._inner, self._outer, self.prefix
        out: list[str] = []
        append = out.append
        for message in messages:
            inner = inner_base.copy()
            inner.update(message)
            outer = outer_base.copy()
            outer.update(inner.digest())
            append(prefix + outer.hexdigest())
        return out


@dataclass
class KeyRing:
    """Master keys by version; the highest version is the current one."""

    masters: dict[int, bytes]
    demo: bool = False
    path: Path | None = None
    _derived: dict[tuple[int, str], bytes] = field(default_factory=dict, repr=False)
    _hashers: dict[tuple[int, str], KeyedHasher] = field(default_factory=dict, repr=False)

    @property
    def current(self) -> int:
        return max(self.masters)

    def derive(self, purpose: str, version: int | None = None) -> bytes:
        v = self.current if version is None else version
        cached = self._derived.get((v, purpose))
        if cached is not None:
            return cached
        try:
            master = self.masters[v]
        except KeyError:
            raise IntegrityError(f"key version {v} is not in the keyring") from None
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
            master
        )
        self._derived[(v, purpose)] = key
        return key

    def hasher(self, purpose: str, version: int | None = None) -> KeyedHasher:
        """The keyed hash of ``purpose`` under one version (the current one by default)."""
        v = self.current if version is None else version
        cached = self._hashers.get((v, purpose))
        if cached is None:
            cached = self._hashers[(v, purpose)] = KeyedHasher(self.derive(purpose, v), f"v{v}:")
        return cached

    def keyed_hash(self, purpose: str, value: str, version: int | None = None) -> str:
        """``v{N}:{hex}``: an HMAC-SHA256 that identifies a value without revealing it."""
        return self.hasher(purpose, version)(value.encode())

    def keyed_hashes(self, purpose: str, value: str) -> list[str]:
        """The value's hash under every live version, to match records made before a rotation."""
        return [self.keyed_hash(purpose, value, v) for v in sorted(self.masters)]

    def verify_hash(self, purpose: str, value: str, stored: str) -> bool:
        version = parse_version(stored)
        return hmac.compare_digest(self.keyed_hash(purpose, value, version), stored)

    def encrypt(self, purpose: str, plaintext: bytes, associated: bytes = b"") -> bytes:
        """AES-256-GCM; output is ``version (4 bytes) | nonce (12) | ciphertext``."""
        v = self.current
        nonce = os.urandom(12)
        sealed = AESGCM(self.derive(purpose, v)).encrypt(nonce, plaintext, associated)
        return v.to_bytes(4, "big") + nonce + sealed

    def decrypt(self, purpose: str, blob: bytes, associated: bytes = b"") -> bytes:
        from cryptography.exceptions import InvalidTag

        v = int.from_bytes(blob[:4], "big")
        try:
            return AESGCM(self.derive(purpose, v)).decrypt(blob[4:16], blob[16:], associated)
        except InvalidTag:
            raise IntegrityError("decryption failed: the data or its key was altered") from None

    def sign(self, purpose: str, message: str) -> str:
        """A URL-safe signature naming its key version, for links and tokens."""
        v = self.current
        mac = hmac.new(self.derive(purpose, v), message.encode(), hashlib.sha256).digest()
        return f"{v}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"

    def verify_signature(self, purpose: str, message: str, signature: str) -> bool:
        if not signature.isascii():  # compare_digest refuses such text (a 500 from a link)
            return False
        try:
            version_text, _ = signature.split(".", 1)
            version = int(version_text)
        except ValueError:
            return False
        if version not in self.masters:
            return False
        mac = hmac.new(self.derive(purpose, version), message.encode(), hashlib.sha256).digest()
        expected = f"{version}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"
        return hmac.compare_digest(expected, signature)

    # --- rotation -----------------------------------------------------------------
    def rotate(self) -> int:
        """Add a new current version; old versions stay to read what they made."""
        if self.demo:
            raise ConfigError("demo keys come from the program; a demo cannot rotate them")
        new = self.current + 1
        self.masters[new] = secrets.token_bytes(32)
        self.save()
        return new

    def retire(self, version: int, in_use: dict[str, int]) -> None:
        """Remove a version, refused while any data made with it still lives."""
        if version == self.current:
            raise ConfigError("the current key version cannot be retired; rotate first")
        users = {name: count for name, count in in_use.items() if count}
        if users:
            listed = ", ".join(f"{name}: {count}" for name, count in sorted(users.items()))
            raise ConfigError(f"key version {version} is still used by {listed}")
        self.masters.pop(version, None)
        self.save()

    def save(self) -> None:
        if self.path is None:
            raise ConfigError("this keyring was read from the environment; edit it there")
        body = {str(v): base64.b64encode(k).decode() for v, k in sorted(self.masters.items())}
        tmp = self.path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        write_private(tmp, json.dumps({"keys": body}, indent=2))
        tmp.replace(self.path)


def parse_version(stored: str) -> int:
    try:
        return int(stored.split(":", 1)[0].removeprefix("v"))
    except ValueError:
        raise IntegrityError(f"not a versioned keyed hash: {stored[:12]}...") from None


def _parse(text: str, where: str) -> dict[int, bytes]:
    try:
        body = json.loads(text)["keys"]
        masters = {int(v): base64.b64decode(k) for v, k in body.items()}
    except (ValueError, KeyError, TypeError):
        raise ConfigError(f'{where}: expected {{"keys": {{"1": "<base64>"}}}}') from None
    if not masters or any(len(k) < 32 for k in masters.values()):
        raise ConfigError(f"{where}: every key must be at least 32 bytes")
    return masters


def write_private(path: Path, text: str) -> None:
    """A new file readable by its owner only (0600) from its first byte, in a folder only
    its owner enters (0700): a key never sits in a world-readable file, even briefly."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def tighten(path: Path) -> None:
    """An existing key file others may read is set to 0600, with a warning."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        try:
            os.chmod(path, 0o600)
        except OSError as exc:
            log.warning("key file %s is readable by others (mode %o): %s", path, mode, exc)
            return
        log.warning("key file %s was readable by others (mode %o); set to 0600", path, mode)


def generate_keyfile(path: Path) -> None:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    write_private(path, json.dumps({"keys": {"1": key}}, indent=2))


def load_keyring(*, file: Path, env: str, demo: bool) -> KeyRing:
    from_env = os.environ.get(env)
    if from_env:
        masters = _parse(from_env, f"${env}")
        ring = KeyRing(masters, demo=False)
    elif file.exists():
        tighten(file)
        ring = KeyRing(_parse(file.read_text(encoding="utf-8"), str(file)), path=file)
    elif demo:
        return KeyRing({1: base64.b64decode(DEMO_MASTER)}, demo=True)
    else:
        raise ConfigError(
            f"no keys: {file} does not exist and ${env} is not set "
            "(`garant keys init` creates the file)"
        )
    if not demo and base64.b64decode(DEMO_MASTER) in ring.masters.values():
        raise ConfigError("the demo key is in the keyring; it is refused outside a demo")
    return ring
