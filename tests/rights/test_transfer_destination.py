"""AF-D4: the portability transfer goes only where Garant may send a person's data: https
to a public address, or a host the workspace allows (``[rights] transfer_allowed_hosts``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.rights import decisions, execute, service
from garant.rights.schemas import DecideIn
from garant.rights.tasks import destination_refused
from tests.rights.conftest import ada
from tests.rights.helpers import api_client, open_verified, run_requests


class _Receiver(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        _Receiver.received.append(self.rfile.read(int(self.headers["content-length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[int]:
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _transfer_to(garant: Garant, url: str) -> int:
    """A verified portability request to ``url``, decided and run to its end."""
    rid = open_verified(garant, ada("portability", destination_url=url))
    with garant.unit_of_work() as uow:
        decisions.decide(uow=uow, request_id=rid, data=DecideIn(accept_proposals=True))
        execute.run(uow=uow, request_id=rid)
    run_requests(garant)
    return rid


def test_only_https_to_public_addresses_unless_the_host_is_allowed() -> None:
    assert destination_refused("https://93.184.216.34/in", []) is None
    assert "not https" in str(destination_refused("http://93.184.216.34/in", []))
    for private in (
        "https://127.0.0.1/in",
        "https://localhost:8443/in",
        "https://10.1.2.3/in",
        "https://192.168.0.10/in",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/in",
    ):
        assert "non-public address" in str(destination_refused(private, [])), private
    assert destination_refused("http://partner.internal/in", ["Partner.Internal"]) is None
    assert destination_refused("https://10.1.2.3/in", ["10.1.2.3"]) is None
    assert destination_refused("https:///in", []) == "the destination names no host"


def test_af_d4_transfer_to_a_private_address_is_refused_and_left_to_staff(
    school_sqlite: Garant, receiver: int
) -> None:
    """Nothing is posted; the transfer task stays open with the reason, audited, and the
    request goes on (the package is still built and can be delivered another way)."""
    garant = school_sqlite
    garant.settings.rights.transfer_allowed_hosts = []
    rid = _transfer_to(garant, f"http://127.0.0.1:{receiver}/in")
    assert _Receiver.received == []
    with garant.unit_of_work() as uow:
        read = service.read(uow, service.get(uow, rid))
        refused = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.transfer_refused")
        ).all()
    assert read.status == "answered"
    task = next(t for t in read.tasks if t["kind"] == "transfer")
    assert task["status"] == "open"
    assert "not https" in task["receipt"]["refused"]
    assert [e.object_id for e in refused] == [str(rid)]
    with api_client(garant) as client:
        page = client.get(f"/admin/rights/{rid}").text
    assert "not sent:" in page and "not https" in page, "staff see why, to deliver otherwise"

    # allowed, the same destination receives the data
    garant.settings.rights.transfer_allowed_hosts = ["127.0.0.1"]
    rid = _transfer_to(garant, f"http://127.0.0.1:{receiver}/in")
    assert len(_Receiver.received) == 1
