"""The store-backed throttle: counts that hold across rollbacks and app instances."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from garant.app import Garant
from garant.clock import FixedClock
from garant.throttle import rules, service
from garant.throttle.models import ThrottleHit

RULE = rules.Rule("test.scope", limit=3, window=timedelta(hours=1))


def test_limit_then_denied_with_retry_after(garant: Garant) -> None:
    answers = [service.hit(garant, RULE, "ada@example.org") for _ in range(5)]
    assert [a.allowed for a in answers] == [True, True, True, False, False]
    assert answers[2].remaining == 0 and answers[3].retry_after == 3600
    assert service.hit(garant, RULE, "bob@example.org").allowed  # another key, its own count
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(minutes=59, seconds=59)
    assert not service.peek(garant, RULE, "ada@example.org").allowed
    garant.clock.advance(seconds=1)
    assert service.hit(garant, RULE, "ada@example.org").allowed


def test_denied_hits_not_stored_and_keys_are_hashes(garant: Garant) -> None:
    for _ in range(10):
        service.hit(garant, RULE, "ada@example.org")
    with garant.unit_of_work() as uow:
        keys = list(uow.session.scalars(select(ThrottleHit.key_hash)))
    assert len(keys) == 3
    assert all("ada" not in k for k in keys)
    assert keys[0] == service.key_of(garant.keys, RULE.scope, "ada@example.org")


def test_a_hit_survives_the_callers_rollback(garant: Garant) -> None:
    """The reason of the throttle: a wrong code raises, the caller rolls back, the count stays."""
    with pytest.raises(RuntimeError):
        try:
            raise RuntimeError("wrong code")
        finally:
            service.hit(garant, RULE, "check:1")
    with pytest.raises(RuntimeError), garant.unit_of_work() as uow:
        uow.session.add(ThrottleHit(scope=RULE.scope, key_hash="rolled-back", at=uow.now()))
        uow.session.flush()
        raise RuntimeError("the caller's work fails")
    assert service.peek(garant, RULE, "check:1").count == 1
    with garant.unit_of_work() as uow:
        assert uow.session.scalars(select(ThrottleHit.key_hash)).all() == [
            service.key_of(garant.keys, RULE.scope, "check:1")
        ]


def test_two_app_instances_share_the_count(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    first = make_garant(url=store_url, name="shared")
    second = make_garant(url=store_url, name="shared")
    assert service.hit(first, RULE, "203.0.113.9").allowed
    assert service.hit(second, RULE, "203.0.113.9").allowed
    assert service.hit(first, RULE, "203.0.113.9").allowed
    assert not service.hit(second, RULE, "203.0.113.9").allowed


def test_reset_forgets_one_key(garant: Garant) -> None:
    for value in ("a", "a", "a", "b"):
        service.hit(garant, RULE, value)
    service.reset(garant, RULE, "a")
    assert service.peek(garant, RULE, "a").count == 0
    assert service.peek(garant, RULE, "b").count == 1


def test_rule_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="limit"):
        rules.Rule("x", limit=0, window=timedelta(hours=1))
    with pytest.raises(ValueError, match="scope"):
        rules.Rule("", limit=1, window=timedelta(hours=1))
