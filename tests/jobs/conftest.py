"""Real brokers for the Celery transport: Redis and RabbitMQ, each with a queue per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import _reachable, unavailable

BROKERS = {
    "redis": os.environ.get("GARANT_TEST_REDIS", "redis://127.0.0.1:6379/0"),
    "rabbitmq": os.environ.get("GARANT_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672//"),
}


@dataclass(frozen=True)
class Broker:
    name: str
    url: str
    queue: str

    def waiting(self) -> int:
        """Messages in the queue not yet taken by a worker."""
        from kombu import Connection

        with Connection(self.url, connect_timeout=3) as conn:
            return int(self.kombu_queue()(conn.default_channel).queue_declare().message_count)

    def kombu_queue(self) -> Any:
        """The queue as Celery declares it (durable, direct exchange of the same name)."""
        from kombu import Exchange, Queue

        return Queue(self.queue, Exchange(self.queue, type="direct"), routing_key=self.queue)

    def toml(self, *, lease_seconds: int = 300) -> str:
        return (
            f'\n[worker]\nbroker_url = "{self.url}"\nqueue = "{self.queue}"\n'
            f"lease_seconds = {lease_seconds}\n"
        )


@pytest.fixture(params=sorted(BROKERS))
def broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """A live broker and a queue of this test's own, deleted afterwards."""
    url = BROKERS[request.param]
    where = urlsplit(url)
    host, port = where.hostname or "127.0.0.1", where.port or 0
    if not _reachable(host, port):
        unavailable(f"{request.param} is not running on {host}:{port}")
    found = Broker(request.param, url, f"garant-test-{uuid.uuid4().hex[:10]}")
    _declare(found)
    yield found
    from kombu import Connection

    with Connection(url, connect_timeout=3) as conn:
        conn.default_channel.queue_delete(found.queue)


def _declare(broker: Broker) -> None:
    """Create the queue up front, so that messages published before a worker starts wait."""
    from kombu import Connection

    with Connection(broker.url, connect_timeout=3) as conn:
        broker.kombu_queue()(conn.default_channel).declare()
