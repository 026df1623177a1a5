"""A mail catcher for the demo: a real SMTP server on loopback that accepts every message
and delivers none, so the whole sending path runs as in production while nothing leaves
the machine. What was sent is read in the outbox (``/admin/mail``, ``garant mail list``).

It is aiosmtpd's server (the SMTP protocol is not ours to write), bound to 127.0.0.1 only.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from garant.app import Garant


class _Accept:
    """Accepts every message; counting them is all a catcher needs to remember."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailCatcher:
    """Start with ``start(garant)``: the workspace's mail settings then point at it."""

    def __init__(self) -> None:
        self.handler = _Accept()
        self.port = 0
        self._controller: Any = None

    @property
    def received(self) -> int:
        return self.handler.received

    def start(self, garant: Garant) -> MailCatcher:
        from aiosmtpd.controller import Controller

        self.port = _free_port()
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        mail = garant.settings.mail
        mail.host, mail.port, mail.ssl, mail.starttls = "127.0.0.1", self.port, False, False
        mail.username_env = None
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
