"""The consents page's email code has daily caps like the rights codes (found after issue
14: only hourly limits, so 120 codes a day could reach one mailbox): 10 a day per address
asked for, answered exactly like a code sent (no oracle), and 30 a day per client address,
a 429. Counted in the store (``garant.throttle``), so every server process shares them."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.clock import FixedClock
from garant.consent import center
from garant.mail.models import OutboxMessage
from garant.web.app import create_app

TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def _mails(garant: Garant) -> int:
    with garant.unit_of_work(read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def _ask(client: TestClient, email: str) -> tuple[int, str]:
    page = client.get("/privacy/consents?lang=en").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    answer = client.post(
        "/privacy/consents/code", data={"csrf_token": found.group(1), "email": email}
    )
    return answer.status_code, TOKEN.sub("", answer.text)


def test_ten_codes_a_day_reach_one_address_and_the_eleventh_answers_the_same(sg: Garant) -> None:
    clock = sg.clock
    assert isinstance(clock, FixedClock)
    client = TestClient(create_app(sg))
    answers = set()
    for _hour in range(2):  # 5 an hour is the hourly limit: two hours, five each
        for _ in range(5):
            answers.add(_ask(client, "anne@example.org"))
        clock.advance(hours=1, minutes=5)
    assert _mails(sg) == center.PER_ADDRESS_DAY.limit == 10
    capped = _ask(client, "anne@example.org")
    assert _mails(sg) == 10  # no eleventh code that day
    assert {capped} == answers and capped[0] == 200  # the same page as a code sent
    with sg.unit_of_work(read_only=True) as uow:
        refused = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "consent.code.refused")
        ).all()
    assert [e.details for e in refused] == [{"limit": "day"}]
    assert "anne" not in str(refused[0].details)
    clock.advance(days=1)
    assert _ask(client, "anne@example.org")[0] == 200
    assert _mails(sg) == 11  # the next day, codes again


def test_one_client_asks_thirty_codes_a_day_at_most(sg: Garant) -> None:
    clock = sg.clock
    assert isinstance(clock, FixedClock)
    client = TestClient(create_app(sg))
    for hour in range(3):  # 10 an hour from one client is the hourly limit
        for i in range(10):
            assert _ask(client, f"p{hour}-{i}@example.org")[0] == 200
        clock.advance(hours=1, minutes=5)
    assert _mails(sg) == center.PER_CLIENT_DAY.limit == 30
    status, page = _ask(client, "late@example.org")
    assert status == 429 and "Too many codes asked from here" in page
    assert _mails(sg) == 30
    clock.advance(days=1)
    assert _ask(client, "late@example.org")[0] == 200


def test_the_caps_hold_across_two_app_instances(
    sg: Garant, make_garant: Callable[..., Garant]
) -> None:
    """Two apps on one store (as two server processes) share the daily count."""
    other = make_garant(url=sg.store.url, name=sg.workspace.name)
    assert isinstance(sg.clock, FixedClock) and isinstance(other.clock, FixedClock)
    apps = [TestClient(create_app(sg)), TestClient(create_app(other))]
    for k in range(10):
        if k == 5:
            sg.clock.advance(hours=1, minutes=5)
            other.clock.advance(hours=1, minutes=5)
        assert _ask(apps[k % 2], "anne@example.org")[0] == 200
    assert _ask(apps[0], "anne@example.org")[0] == 200
    assert _ask(apps[1], "anne@example.org")[0] == 200
    assert _mails(sg) == 10
