"""Garant served by real ``garant serve`` processes on one store (issue 14's HTTP tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import httpx

from garant.app import Garant
from garant.clock import SystemClock
from tests.conftest import free_port


@contextmanager
def served(garant: Garant, count: int = 1) -> Iterator[list[str]]:
    """``count`` server processes on the workspace and store of ``garant``; their URLs.

    The test's own ``garant`` is moved to the system clock, so that what it reads (mail
    due, codes valid) agrees with the servers' time."""
    garant.clock = SystemClock()
    env = os.environ | {"GARANT_DATABASE_URL": garant.store.url}
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    logs: list[IO[bytes]] = []
    try:
        for _ in range(count):
            port = free_port()
            logs.append((garant.workspace / f"serve-{port}.log").open("wb"))
            command = [sys.executable, "-m", "garant", "serve", "--workspace", "."]
            procs.append(
                subprocess.Popen(
                    [*command, "--host", "127.0.0.1", "--port", str(port)],
                    cwd=garant.workspace,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=logs[-1],
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc in zip(urls, procs, strict=True):
            _wait(url, proc, garant)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()


def _wait(url: str, proc: subprocess.Popen[bytes], garant: Garant) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = garant.workspace / f"serve-{url.rsplit(':', 1)[1]}.log"
            raise AssertionError(f"garant serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/privacy/requests", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"garant serve at {url} did not answer in 60 s")
