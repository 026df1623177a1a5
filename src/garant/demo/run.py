"""The demo as one process: the web server, the worker and a mail catcher together.

``make run`` must finish every flow on its own: a request's identity code is mailed, its
execution runs, its reply is sent, without a second terminal. The worker here is the
in-process one (``garant.jobs.worker.run_due``) on a thread; the catcher is
``garant.mail.catcher.MailCatcher``; the mail is read in ``/admin/mail``.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from garant.errors import ConfigError
from garant.mail.catcher import MailCatcher

if TYPE_CHECKING:
    from garant.app import Garant

log = logging.getLogger("garant.demo")


class DemoWorker:
    """Runs due jobs every ``poll`` seconds until stopped; a failing run never ends it."""

    def __init__(self, garant: Garant, *, poll: float = 1.0) -> None:
        self.garant = garant
        self.poll = poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="garant-worker", daemon=True)

    def _loop(self) -> None:
        from garant.jobs.worker import run_due

        while not self._stop.is_set():
            try:
                summary = run_due(self.garant)
            except Exception as exc:  # the demo keeps serving; the next pass retries
                log.warning("worker pass failed: %s", exc)
                summary = None
            if summary is None or not (summary.done or summary.failed):
                self._stop.wait(self.poll)

    def start(self) -> DemoWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


@contextmanager
def demo_services(garant: Garant, *, poll: float = 1.0) -> Iterator[MailCatcher]:
    """The catcher and the worker for as long as the block runs."""
    catcher = MailCatcher().start(garant)
    worker = DemoWorker(garant, poll=poll).start()
    try:
        yield catcher
    finally:
        worker.stop()
        catcher.stop()


def check_port(host: str, port: int) -> None:
    """Refuse a busy port in one clear line, before anything is printed or started."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"port {port} on {host} is already in use: stop what runs there or "
                    f"choose another port (make run PORT=8001, or --port 8001)"
                ) from None
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
