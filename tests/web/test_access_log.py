"""The access log of a real `garant serve` process holds no token, query string or address."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from garant.web.access_log import safe_path
from tests.conftest import free_port, write_workspace

TOKEN = "Zt8kQ2vN5xLp0aRf7GhJ3mWq"
EMAIL = "person@example.org"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/unsubscribe/{TOKEN}", "/unsubscribe/:redacted"),
        (f"/privacy/requests/status/{TOKEN}/code", "/privacy/requests/status/:redacted/code"),
        (
            "/privacy/requests/download/abcdefghijklmnopqrstuv",
            "/privacy/requests/download/:redacted",
        ),
        (f"/api/consent/check?value={EMAIL}&purpose=news", "/api/consent/check"),
        ("/api/users/person%40example.org/tokens", "/api/users/:redacted/tokens"),
        ("/admin/rights/42?tab=mail", "/admin/rights/42"),
        ("/admin/accountability/processors", "/admin/accountability/processors"),
    ],
)
def test_safe_path(path: str, logged: str) -> None:
    assert safe_path(path) == logged


def test_access_log_of_a_served_process_has_no_token_or_query(tmp_path: Path) -> None:
    """Issue 16: the access log of `garant serve` keeps paths only, secrets hidden."""
    ws = write_workspace(tmp_path / "ws")
    port = free_port()
    env = {**os.environ, "GARANT_TEST_SESSION_SECRET": "s" * 40}
    process = subprocess.Popen(
        [sys.executable, "-m", "garant", "serve", "-w", str(ws), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/privacy", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        for path in (
            f"/unsubscribe/{TOKEN}",
            f"/privacy/requests/status/{TOKEN}",
            f"/api/consent/check?value={EMAIL}&purpose=newsletter",
            f"/privacy/requests/download/{TOKEN}",
        ):
            httpx.get(base + path, timeout=10)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert "/unsubscribe/:redacted" in output, output
    assert "/api/consent/check HTTP" in output
    for secret in (TOKEN, EMAIL, "value=", "purpose=", "%40"):
        assert secret not in output, secret
