"""A lint finding: severity, code, message, key path and the promise IDs it concerns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from garant.sourcefile import format_path

Severity = Literal["error", "warning"]
Path = tuple[str | int, ...]


@dataclass
class Finding:
    severity: Severity
    code: str
    message: str
    path: Path = ()
    promises: list[str] = field(default_factory=list)
    where: str = ""

    def format(self) -> str:
        where = f"{self.where}: " if self.where else ""
        at = f"{format_path(self.path)}: " if self.path else ""
        tags = f" [{', '.join(self.promises)}]" if self.promises else ""
        return f"{where}{self.severity}: {at}{self.message}{tags}"

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "path": format_path(self.path),
            "where": self.where,
            "promises": self.promises,
        }
