"""Issue 16: the TOTP second factor (RFC 6238): enrolment, a code good once, reset."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from garant.accounts import totp
from garant.accounts.models import StaffUser
from garant.accounts.service import add_user
from garant.app import Garant
from garant.clock import FixedClock
from garant.errors import Conflict, InvalidInput


def _user(garant: Garant) -> None:
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="admin@org.example", role="admin", password="x" * 14)


def _code(garant: Garant, secret: str, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(garant.clock.now().timestamp() + offset)


def test_enrol_verify_once_and_reset(garant: Garant) -> None:
    _user(garant)
    secret = totp.new_secret()
    uri = totp.provisioning_uri(secret, "admin@org.example", "Org")
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    with garant.unit_of_work() as uow:
        user = uow.session.scalars(select(StaffUser)).one()
        with pytest.raises(InvalidInput):
            totp.enrol(uow=uow, user=user, secret=secret, code="000000")
        totp.enrol(uow=uow, user=user, secret=secret, code=_code(garant, secret))
        assert user.totp_secret is not None and secret.encode() not in user.totp_secret
    clock = garant.clock
    assert isinstance(clock, FixedClock)
    clock.advance(seconds=30)
    code = _code(garant, secret)
    with garant.unit_of_work() as uow:
        user = uow.session.scalars(select(StaffUser)).one()
        assert not totp.verify(uow=uow, user=user, code="123")
        assert totp.verify(uow=uow, user=user, code=code)
        assert not totp.verify(uow=uow, user=user, code=code)  # a code is good once
        with pytest.raises(Conflict):
            totp.enrol(uow=uow, user=user, secret=secret, code=code)
        totp.reset(uow=uow, user=user)
        assert user.totp_secret is None and user.totp_enabled_at is None


def test_required_only_for_dpo_and_admin_when_the_workspace_says_so(garant: Garant) -> None:
    settings = garant.settings.model_copy(deep=True)
    assert not totp.required(settings, "admin")
    settings.web.require_2fa = True
    assert totp.required(settings, "admin") and totp.required(settings, "dpo")
    assert not totp.required(settings, "privacy")
