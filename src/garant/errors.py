"""Every error Garant raises on purpose, as one tree.

    GarantError                  anything Garant says is wrong (exit code 2 in the CLI)
    ├── ConfigError              garant.toml, environment, keys, missing workspace
    ├── InvalidInput             a value given on the command line or to the API
    │   └── LocatedError         a file error with file, line, column and key path
    ├── NotFound                 a record that does not exist (HTTP 404)
    ├── PermissionDenied         a role that may not do this (HTTP 403)
    ├── Conflict                 a state that forbids the action (HTTP 409)
    │   ├── InvalidTransition    a state machine asked for a step it does not allow
    │   └── TooManyRequests      a throttle's limit reached (HTTP 429, retry_after seconds)
    ├── ConnectorError           a connected system failed or does not match its map
    └── IntegrityError           a broken audit chain, a tampered archive

Surfaces map these to exit codes and HTTP statuses; the domain never prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class GarantError(Exception):
    """Base of every error Garant raises on purpose."""

    exit_code = 2
    http_status = 400

    @property
    def message(self) -> str:
        return str(self)


class ConfigError(GarantError):
    pass


class InvalidInput(GarantError):
    http_status = 422


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    column: int
    path: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class LocatedError(InvalidInput):
    """One or more problems in a file, each with where it is."""

    def __init__(self, problems: list[tuple[Location, str]]):
        self.problems = problems
        super().__init__("\n".join(self.format_one(loc, msg) for loc, msg in problems))

    @staticmethod
    def format_one(loc: Location, msg: str) -> str:
        where = f"{loc.path}: " if loc.path else ""
        return f"{loc}: {where}{msg}"


class NotFound(GarantError):
    http_status = 404


class PermissionDenied(GarantError):
    http_status = 403


class Conflict(GarantError):
    http_status = 409


class TooManyRequests(Conflict):
    """A limit of attempts reached (``garant.throttle``); surfaces send ``Retry-After``."""

    http_status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class InvalidTransition(Conflict):
    pass


class ConnectorError(GarantError):
    http_status = 502


class IntegrityError(GarantError):
    exit_code = 1
    http_status = 500


def first_error(exc: ValidationError) -> tuple[str, str]:
    """(where, what) of a validation's first error: the dotted field path and pydantic's
    message; each surface words the rest (file, form, option)."""
    error = exc.errors()[0]
    return ".".join(str(p) for p in error["loc"]), str(error["msg"])
