"""Sign-in throttling is no denial of service (found after issue 16): five wrong passwords
from anywhere locked the account for everyone for 15 minutes. Now the lock is per
(account, client address); many addresses together only slow each one down on that
account (``web.login_attempts_when_attacked``), and the right person from an address not
yet used still signs in. The second factor's step is the one locked per account."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from garant.accounts import throttling
from garant.accounts.roles import Role
from garant.accounts.service import add_user
from garant.app import Garant
from garant.clock import FixedClock
from garant.web.app import create_app
from tests.web.conftest import PASSWORD, csrf_of, staff_email

DPO = staff_email("dpo")
WRONG = "not the password!"


@pytest.fixture
def staffed(make_garant: Callable[..., Garant]) -> Garant:
    garant = make_garant()
    with garant.unit_of_work() as uow:
        for role in (Role.DPO, Role.ADMIN):
            add_user(uow=uow, email=staff_email(role), role=role.value, password=PASSWORD)
    return garant


def _from(garant: Garant, address: str) -> TestClient:
    return TestClient(create_app(garant), client=(address, 50000))


def _attempt(client: TestClient, password: str, email: str = DPO) -> int:
    form = {"email": email, "password": password, "next": "/admin", "csrf_token": csrf_of(client)}
    return client.post("/login", data=form, follow_redirects=False).status_code


def test_five_wrong_passwords_elsewhere_do_not_lock_the_right_person_out(staffed: Garant) -> None:
    with _from(staffed, "203.0.113.66") as attacker, _from(staffed, "198.51.100.7") as owner:
        for _ in range(staffed.settings.web.login_attempts_per_account):
            assert _attempt(attacker, WRONG) == 401
        refused = attacker.post(
            "/login",
            data={"email": DPO, "password": PASSWORD, "csrf_token": csrf_of(attacker)},
            follow_redirects=False,
        )
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert _attempt(owner, PASSWORD) == 303  # before: 429 for the window


def test_many_addresses_slow_each_other_but_a_fresh_address_still_signs_in(
    staffed: Garant,
) -> None:
    web = staffed.settings.web
    web.login_attempts_account_wide, web.login_attempts_when_attacked = 10, 2
    bots = [_from(staffed, f"203.0.113.{i}") for i in range(1, 6)]
    for bot in bots:  # 5 addresses x 2 = the account-wide 10: the account is under attack
        assert [_attempt(bot, WRONG) for _ in range(2)] == [401, 401]
    late = _from(staffed, "203.0.113.99")
    assert [_attempt(late, WRONG) for _ in range(3)] == [401, 401, 429]  # 2, not 5
    assert [_attempt(bots[0], WRONG) for _ in range(3)] == [401, 401, 429]
    with _from(staffed, "198.51.100.7") as owner:
        assert _attempt(owner, PASSWORD) == 303
    with _from(staffed, "192.0.2.44") as owner_elsewhere:
        assert _attempt(owner_elsewhere, WRONG) == 401  # a typo, still not locked out
        assert _attempt(owner_elsewhere, PASSWORD) == 303
    for client in [*bots, late]:
        client.close()


def test_the_lock_is_per_address_and_lifts_by_itself(staffed: Garant) -> None:
    clock = staffed.clock
    assert isinstance(clock, FixedClock)
    with _from(staffed, "203.0.113.66") as attacker:
        for _ in range(5):
            assert _attempt(attacker, WRONG) == 401
        assert _attempt(attacker, PASSWORD) == 429
        clock.advance(minutes=staffed.settings.web.login_lock_minutes + 1)
        assert _attempt(attacker, PASSWORD) == 303


def test_the_second_factor_step_is_locked_per_account(staffed: Garant) -> None:
    """Only the holder of the right password reaches the code step: there the account's
    lock is right, from whichever address."""
    limit = staffed.settings.web.login_attempts_per_account
    verdicts = [throttling.count_code_attempt(staffed, email=DPO) for _ in range(limit + 1)]
    assert [v.allowed for v in verdicts] == [True] * limit + [False]
    throttling.succeeded(staffed, email=DPO, client="198.51.100.7")
    assert throttling.count_code_attempt(staffed, email=DPO).allowed


def test_a_success_clears_its_address_not_the_account_wide_count(staffed: Garant) -> None:
    web = staffed.settings.web
    web.login_attempts_account_wide = 3
    for i in range(3):
        assert throttling.count_attempt(staffed, email=DPO, client=f"203.0.113.{i}").allowed
    throttling.succeeded(staffed, email=DPO, client="198.51.100.7")
    first = [throttling.count_attempt(staffed, email=DPO, client="203.0.113.9") for _ in range(3)]
    assert [v.allowed for v in first] == [True, True, False]  # still under attack: 2 each
