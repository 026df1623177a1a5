"""Issue 16: a session row per login, its timeouts, what ends it, and the secret's size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from garant.accounts.models import StaffSession
from garant.accounts.service import add_user, deactivate, set_password, set_role
from garant.accounts.sessions import (
    SessionLimits,
    check_session,
    digest,
    end_session,
    open_session,
)
from garant.app import Garant
from garant.clock import FixedClock
from garant.errors import ConfigError, PermissionDenied
from garant.settings import session_secret

LIMITS = SessionLimits(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
EMAIL = "dpo@org.example"


def _open(garant: Garant) -> str:
    with garant.unit_of_work() as uow:
        user = add_user(uow=uow, email=EMAIL, role="dpo", password="x" * 14)
        return open_session(uow=uow, user=user, limits=LIMITS)


def _refused(garant: Garant, clear: str, limits: SessionLimits = LIMITS) -> bool:
    with garant.unit_of_work(read_only=True) as uow:
        try:
            check_session(uow=uow, clear=clear, limits=limits)
        except PermissionDenied:
            return True
    return False


def _touch(garant: Garant, clear: str) -> None:
    from garant.accounts.sessions import touch_session

    with garant.unit_of_work() as uow:
        use = check_session(uow=uow, clear=clear, limits=LIMITS)
        if use.needs_touch:
            touch_session(uow=uow, session_id=use.session_id)


def test_only_the_hash_of_the_session_id_is_stored(garant: Garant) -> None:
    clear = _open(garant)
    with garant.unit_of_work(read_only=True) as uow:
        row = uow.session.scalars(select(StaffSession)).one()
        assert row.id_hash == digest(clear) and clear not in row.id_hash
        assert check_session(uow=uow, clear=clear, limits=LIMITS).actor.role == "dpo"


def test_idle_and_absolute_timeouts(garant: Garant) -> None:
    clock = garant.clock
    assert isinstance(clock, FixedClock)
    clear = _open(garant)
    clock.advance(minutes=29)
    assert not _refused(garant, clear)
    _touch(garant, clear)  # activity keeps it alive
    clock.advance(minutes=29)
    assert not _refused(garant, clear)
    clock.advance(minutes=2)
    assert _refused(garant, clear)  # 31 minutes idle
    other = _open_again(garant)
    for _ in range(17):  # active every 29 minutes: still ends 8 hours after sign-in
        clock.advance(minutes=29)
        if _refused(garant, other):
            break
        _touch(garant, other)
    assert _refused(garant, other)
    with garant.unit_of_work(read_only=True) as uow:
        row = uow.session.scalars(select(StaffSession).where(StaffSession.id == 2)).one()
        assert clock.now() - row.created_at >= LIMITS.absolute


def _open_again(garant: Garant) -> str:
    from garant.accounts.service import get_user

    with garant.unit_of_work() as uow:
        return open_session(uow=uow, user=get_user(uow=uow, email=EMAIL), limits=LIMITS)


@pytest.mark.parametrize("event", ["logout", "deactivate", "role", "password"])
def test_each_lifecycle_event_ends_the_session(garant: Garant, event: str) -> None:
    clear = _open(garant)
    with garant.unit_of_work() as uow:
        if event == "logout":
            assert end_session(uow=uow, clear=clear)
        elif event == "deactivate":
            deactivate(uow=uow, email=EMAIL)
        elif event == "role":
            set_role(uow=uow, email=EMAIL, role="finance")
        else:
            set_password(uow=uow, email=EMAIL, password="another long one")
    assert _refused(garant, clear)
    with garant.unit_of_work(read_only=True) as uow:
        row = uow.session.scalars(select(StaffSession)).one()
        assert row.ended_at is not None and row.end_reason


def test_a_role_changed_behind_the_services_back_still_ends_the_session(garant: Garant) -> None:
    """The session keeps the role it was opened with; any other current role refuses it."""
    from garant.accounts.models import StaffUser

    clear = _open(garant)
    with garant.unit_of_work() as uow:
        uow.session.scalars(select(StaffUser)).one().role = "auditor"
    assert _refused(garant, clear)


def test_a_required_second_factor_refuses_sessions_without_one(garant: Garant) -> None:
    clear = _open(garant)
    strict = SessionLimits(LIMITS.idle, LIMITS.absolute, frozenset({"dpo", "admin"}))
    assert _refused(garant, clear, strict) and not _refused(garant, clear)


@pytest.mark.parametrize(
    ("value", "demo", "ok"),
    [("short", False, False), ("x" * 31, False, False), ("x" * 32, False, True), ("", True, True)],
)
def test_session_secret_needs_32_bytes_outside_a_demo(
    garant: Garant, monkeypatch: pytest.MonkeyPatch, value: str, demo: bool, ok: bool
) -> None:
    settings = garant.settings.model_copy(deep=True)
    settings.mode = "demo" if demo else "production"
    monkeypatch.setenv(settings.web.session_secret_env, value)
    if ok:
        assert session_secret(settings)
    else:
        with pytest.raises(ConfigError, match="at least 32"):
            session_secret(settings)


def test_old_session_rows_are_deleted_by_the_own_data_sweep(garant: Garant) -> None:
    from garant.retention.own import apply_all

    clear = _open(garant)
    with garant.unit_of_work() as uow:
        end_session(uow=uow, clear=clear)
    clock = garant.clock
    assert isinstance(clock, FixedClock)
    clock.advance(days=80)
    apply_all(garant)
    with garant.unit_of_work(read_only=True) as uow:
        assert uow.session.scalars(select(StaffSession)).all() != []
    clock.advance(days=12)  # 8 hours + 90 days after sign-in, and a local midnight
    apply_all(garant)
    with garant.unit_of_work(read_only=True) as uow:
        assert uow.session.scalars(select(StaffSession)).all() == []


def test_a_key_version_that_encrypted_a_second_factor_cannot_be_retired(garant: Garant) -> None:
    import pyotp

    from garant.accounts import totp
    from garant.accounts.models import StaffUser

    _open(garant)
    secret = totp.new_secret()
    with garant.unit_of_work() as uow:
        user = uow.session.scalars(select(StaffUser)).one()
        code = pyotp.TOTP(secret).at(garant.clock.now())
        totp.enrol(uow=uow, user=user, secret=secret, code=code)
    old = garant.keys.current
    garant.keys.rotate()
    in_use: dict[str, int] = {}
    for probe in garant.key_usage_probes:
        in_use.update(probe(garant, old))
    assert in_use["staff second factors"] == 1
    with pytest.raises(ConfigError, match="staff second factors"):
        garant.keys.retire(old, in_use)
