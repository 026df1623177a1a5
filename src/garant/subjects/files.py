"""Files of an export package: text streamed into the zip with its SHA-256, plain values."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any


class HashedEntry:
    """A text file streamed into the zip, its SHA-256 recorded when it closes."""

    def __init__(
        self, archive: zipfile.ZipFile, hashes: dict[str, str], name: str, *, bom: bool = False
    ):
        self.hashes, self.name = hashes, name
        self.handle = archive.open(name, "w")
        self.digest = hashlib.sha256()
        self.closed = False
        if bom:
            self.write("\ufeff")

    def write(self, text: str) -> int:
        self.write_bytes(text.encode("utf-8"))
        return len(text)

    def write_bytes(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.handle.close()
            self.hashes[self.name] = self.digest.hexdigest()

    def __enter__(self) -> HashedEntry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
