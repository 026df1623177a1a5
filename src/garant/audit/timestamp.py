"""An RFC 3161 time stamp on an anchor: a third party's signed word that the chain's head
existed at that time, kept in the anchor file (``[audit] timestamp_url``).

The request and the token are built and checked by ``rfc3161-client`` (on ``cryptography``;
``cryptography`` alone has no time-stamp protocol), sent over plain HTTP(S) with httpx.
What is stamped is the seal's message and its MAC, so the token binds the day, the head's
seq and hash, and Garant's seal together.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerifierBuilder,
    decode_timestamp_response,
)
from rfc3161_client.errors import VerificationError

from garant.audit.anchor import Anchor
from garant.errors import ConfigError, ConnectorError, IntegrityError

CONTENT_TYPE = "application/timestamp-query"


def stamped_message(anchor: Anchor) -> bytes:
    return f"{anchor.seal_message()}|{anchor.mac}".encode()


def _root(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable PEM certificate ({exc})") from None


def _check(token: bytes, message: bytes, root: Path, nonce: int | None = None) -> Any:
    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        raise IntegrityError(f"the time stamp is not an RFC 3161 response ({exc})") from None
    builder = VerifierBuilder().add_root_certificate(_root(root))
    if nonce is not None:
        builder = builder.nonce(nonce)
    try:
        builder.build().verify_message(response, message)
    except VerificationError as exc:
        raise IntegrityError(f"the time stamp does not verify: {exc}") from None
    return response


def request_stamp(
    anchor: Anchor, *, url: str, root: Path | None, timeout: float = 10.0
) -> dict[str, Any]:
    """Ask the service to stamp the anchor; the answer as it goes into the anchor file."""
    message = stamped_message(anchor)
    request = (
        TimestampRequestBuilder()
        .data(message)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    try:
        answer = httpx.post(
            url,
            content=request.as_bytes(),
            headers={"Content-Type": CONTENT_TYPE},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        raise ConnectorError(f"time-stamping service {url} unreachable: {exc}") from None
    if answer.status_code != 200:
        raise ConnectorError(f"time-stamping service {url} answered HTTP {answer.status_code}")
    token = answer.content
    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        raise ConnectorError(f"{url}: not an RFC 3161 response ({exc})") from None
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise ConnectorError(f"{url} refused the time stamp (status {response.status})")
    if root is not None:
        _check(token, message, root, request.nonce)
    return {
        "tsa": url,
        "gen_time": response.tst_info.gen_time.isoformat(),
        "hash": "sha256",
        "response": base64.b64encode(token).decode(),
        "checked_against_root": root is not None,
    }


def check_stamp(anchor: Anchor, root: Path) -> str:
    """The time the stamp in ``anchor`` certifies, after checking it against ``root``."""
    stamp = anchor.timestamp or {}
    try:
        token = base64.b64decode(str(stamp["response"]), validate=True)
    except (KeyError, ValueError):
        raise IntegrityError("the anchor's time stamp is missing its response") from None
    response = _check(token, stamped_message(anchor), root)
    return str(response.tst_info.gen_time.isoformat())
