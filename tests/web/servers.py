"""Real uvicorn server processes on one store, and a browser-like client for each."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from tests.conftest import REPO, free_port

SERVE = Path(__file__).with_name("serve_app.py")


@contextmanager
def server_processes(workspace: Path, url: str, count: int = 2) -> Iterator[list[str]]:
    """``count`` servers started together; their base URLs once each answers."""
    ports = [free_port() for _ in range(count)]
    with ExitStack() as stack:
        for port in ports:
            process = subprocess.Popen(
                [sys.executable, str(SERVE), str(workspace), url, str(port)], cwd=REPO
            )
            stack.callback(_stop, process)
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            _wait(base)
        yield bases


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/api/health", timeout=2)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"the server at {base} did not start"
            time.sleep(0.1)


@contextmanager
def clients() -> Iterator[Callable[..., httpx.Client]]:
    """``make(base_url=..., **kw)``: httpx clients closed when the block ends."""
    made: list[httpx.Client] = []

    def make(**kwargs: object) -> httpx.Client:
        client = httpx.Client(**kwargs)  # type: ignore[arg-type]
        made.append(client)
        return client

    try:
        yield make
    finally:
        for client in made:
            client.close()


def csrf(client: httpx.Client, path: str = "/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    form = {"csrf_token": csrf(client), "email": email, "password": password, "next": "/admin"}
    return client.post("/login", data=form)
