"""The server's access log, without secrets or personal values.

A request line can carry what must never sit in a log file: a follow token or a signed
download id in a privacy-center path, an unsubscribe token, an address in a query string
(``/api/consent/check?value=...``) or in a path (``/api/users/{email}``). The log keeps the
method, the path with such segments replaced by ``:redacted``, the status and the client;
never the query string. ``garant serve`` and ``garant demo`` give uvicorn this config.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import unquote

REDACTED = ":redacted"
# a segment after one of these names a person's secret (a token, a signed id)
MARKERS = frozenset({"status", "download", "unsubscribe", "token", "tokens", "verify"})
TOKEN_LIKE = re.compile(r"^[A-Za-z0-9_\-.~=%]{16,}$")


def _secret(segment: str, after: str) -> bool:
    if not segment:
        return False
    if after in MARKERS or "@" in unquote(segment):
        return True
    return bool(TOKEN_LIKE.match(segment)) and any(ch.isdigit() for ch in segment)


def safe_path(full_path: str) -> str:
    """The path without its query string and with token-like or address segments hidden."""
    path = full_path.split("?", 1)[0].split("#", 1)[0]
    parts = path.split("/")
    kept = [
        REDACTED if _secret(part, parts[i - 1] if i else "") else part
        for i, part in enumerate(parts)
    ]
    return "/".join(kept)


class RedactingFilter(logging.Filter):
    """Rewrites uvicorn's access records: ``(client, method, path, version, status)``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], safe_path(args[2]), args[3], args[4])
        return True


def log_config() -> dict[str, Any]:
    """Uvicorn's default logging, with the access handler behind :class:`RedactingFilter`."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["garant_redact"] = {"()": RedactingFilter}
    config["handlers"]["access"].setdefault("filters", []).append("garant_redact")
    return config
