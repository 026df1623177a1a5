"""What a failed job records: a line the operator can act on, and the driver's words
without a personal value.

A database error carries the values it was given: SQLAlchemy appends the statement's
parameters, PostgreSQL a ``DETAIL: Failing row contains (..., ada@example.org, ...)``,
MariaDB ``Duplicate entry 'ada@example.org'``. Job errors are read by staff, written to
logs and printed on stderr, none of which is erased with the person (Art. 5(1)(f),
Art. 17): only the statement's shape and the driver's message with its literals blanked
are kept.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import StatementError

HIDDEN = "…"
_SINGLE = re.compile(r"'(?:[^'\\]|\\.|'')*'")
_DETAIL = re.compile(r"^\s*(DETAIL|HINT|CONTEXT|WHERE|LINE \d+):.*$", re.MULTILINE)
_KEY_VALUES = re.compile(r"(\([^()]*\))=\([^()]*(?:\([^()]*\)[^()]*)*\)")
_PARAMS = re.compile(r"\[parameters: .*?\](?=\s*(\(Background|\[SQL|$))", re.DOTALL)
_BACKGROUND = re.compile(r"\(Background on this error at: [^)]*\)")
_NUMBERS_IN_ROW = re.compile(r"Failing row contains \(.*?\)\.?", re.DOTALL)


class JobFailed(Exception):
    """A handler's failure with what the operator needs: which step, system and collection.

    ``summary`` is shown as it is (no personal value: names of steps, systems, tables);
    the cause (``__cause__``) is recorded scrubbed, for ``--verbose``.
    """

    def __init__(self, summary: str):
        super().__init__(summary)
        self.summary = summary


def scrub(text: str) -> str:
    """``text`` without the values a driver quoted: literals, failing rows, key values,
    bound parameters."""
    text = _PARAMS.sub("[parameters hidden]", text)
    text = _BACKGROUND.sub("", text)
    text = _NUMBERS_IN_ROW.sub("Failing row contains (" + HIDDEN + ").", text)
    text = _DETAIL.sub("", text)
    text = _KEY_VALUES.sub(r"\1=(" + HIDDEN + ")", text)
    text = _SINGLE.sub("'" + HIDDEN + "'", text)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def describe(exc: BaseException) -> str:
    """The driver's error, scrubbed: its class, its message, and the statement (which is
    parameterized: placeholders, never values)."""
    if isinstance(exc, StatementError):
        orig = exc.orig if exc.orig is not None else exc
        message = f"{type(orig).__name__}: {scrub(str(orig))}"
        statement = " ".join((exc.statement or "").split())
        return message + (f"\n[SQL: {statement[:1000]}]" if statement else "")
    return f"{type(exc).__name__}: {scrub(str(exc))}"


def summarize(exc: BaseException) -> tuple[str, str]:
    """(one line for the operator, the scrubbed detail kept in the job record)."""
    if isinstance(exc, JobFailed):
        cause = exc.__cause__ or exc
        return exc.summary, describe(cause) if cause is not exc else exc.summary
    detail = describe(exc)
    return detail.splitlines()[0] if detail else type(exc).__name__, detail
