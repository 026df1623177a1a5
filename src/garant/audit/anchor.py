"""Anchors: the latest seal, exported to be kept outside the store.

A seal in the store proves the chain up to its head only as long as the seal itself is
there. An anchor is a copy of a seal (day, head seq and hash, its MAC) kept elsewhere:
printed on the dossier, mailed to the DPO, stamped by an RFC 3161 time-stamping service.
``garant audit verify --anchor FILE`` then proves that nothing the anchor saw was cut
since, even by someone who could rewind the store's head with an older copy of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from garant.audit.chain import SEAL_PURPOSE, seal_message
from garant.audit.models import AuditSeal
from garant.errors import InvalidInput, NotFound
from garant.keys.keyring import KeyRing

FORMAT = "garant-audit-anchor/1"
FIELDS = ("day", "head_seq", "head_hash", "key_version", "mac", "sealed_at")


@dataclass(frozen=True)
class Anchor:
    day: date
    head_seq: int
    head_hash: str
    key_version: int
    mac: str
    sealed_at: str
    organization: str = ""
    exported_at: str = ""
    timestamp: dict[str, Any] | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["day"] = self.day.isoformat()
        if self.timestamp is None:
            body.pop("timestamp")
        return {"format": FORMAT, **body}

    def text(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def seal_message(self) -> str:
        return seal_message(self.day, self.head_seq, self.head_hash)

    def problem(self, seals: Sequence[AuditSeal], count: int, hashes: dict[int, str]) -> str | None:
        """What the chain lost since this anchor was taken, or ``None``."""
        if self.head_seq > count:
            return (
                f"events {count + 1} to {self.head_seq} were cut: the anchor of {self.day} "
                f"saw the chain reach event {self.head_seq}, it now ends at event {count}"
            )
        if self.head_seq and hashes.get(self.head_seq) != self.head_hash:
            return f"event {self.head_seq} differs from the anchor of {self.day}"
        stored = next((s for s in seals if s.day == self.day), None)
        if stored is None:
            return f"the seal of {self.day} that the anchor holds is gone from the store"
        if (stored.head_seq, stored.head_hash, stored.mac) != (
            self.head_seq,
            self.head_hash,
            self.mac,
        ):
            return f"the seal of {self.day} in the store differs from the anchor"
        return None


def from_seal(seal: AuditSeal, *, organization: str, exported_at: datetime) -> Anchor:
    return Anchor(
        day=seal.day,
        head_seq=seal.head_seq,
        head_hash=seal.head_hash,
        key_version=seal.key_version,
        mac=seal.mac,
        sealed_at=seal.sealed_at.isoformat(),
        organization=organization,
        exported_at=exported_at.isoformat(),
    )


def latest_seal(session: Session) -> AuditSeal:
    seal = session.scalar(select(AuditSeal).order_by(AuditSeal.day.desc()).limit(1))
    if seal is None:
        raise NotFound("the chain has no seal yet: run `garant audit seal` first")
    return seal


def parse_anchor(text: str, where: str, keys: KeyRing) -> Anchor:
    """An anchor read back, its MAC checked with this workspace's audit key."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{where}:{exc.lineno}: not JSON ({exc.msg})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise InvalidInput(f'{where}: not a Garant audit anchor (expected "format": "{FORMAT}")')
    missing = [name for name in FIELDS if name not in body]
    if missing:
        raise InvalidInput(f"{where}: the anchor lacks {', '.join(missing)}")
    try:
        anchor = Anchor(
            day=date.fromisoformat(str(body["day"])),
            head_seq=int(body["head_seq"]),
            head_hash=str(body["head_hash"]),
            key_version=int(body["key_version"]),
            mac=str(body["mac"]),
            sealed_at=str(body["sealed_at"]),
            organization=str(body.get("organization", "")),
            exported_at=str(body.get("exported_at", "")),
            timestamp=body.get("timestamp") if isinstance(body.get("timestamp"), dict) else None,
        )
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{where}: a field of the anchor is malformed ({exc})") from None
    if anchor.head_seq < 0 or not keys.verify_signature(
        SEAL_PURPOSE, anchor.seal_message(), anchor.mac
    ):
        raise InvalidInput(
            f"{where}: the anchor's MAC does not verify with this workspace's audit key "
            "(altered, or the anchor of another workspace)"
        )
    return anchor


def read_anchor(path: Path, keys: KeyRing) -> Anchor:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read the anchor ({exc})") from None
    return parse_anchor(text, str(path), keys)
