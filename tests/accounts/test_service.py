"""Staff accounts: argon2 hashes, uniform refusals, tokens (DEF-SEC1)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from garant.accounts.models import StaffUser
from garant.accounts.service import (
    actor_for_token,
    add_user,
    authenticate,
    deactivate,
    issue_token,
    revoke_token,
)
from garant.app import Garant
from garant.errors import Conflict, InvalidInput, PermissionDenied


def test_def_sec1_passwords_are_argon2_hashed_and_logins_checked(garant: Garant) -> None:
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="DPO@Org.Example", role="dpo", password="a long passphrase")
    with garant.unit_of_work() as uow:
        stored = uow.session.scalars(select(StaffUser)).one()
        assert stored.email == "dpo@org.example"
        assert stored.password_hash.startswith("$argon2id$")
        assert authenticate(uow=uow, email="dpo@org.example", password="a long passphrase")
    for email, password in [
        ("dpo@org.example", "wrong password!"),
        ("nobody@org.example", "x" * 14),
    ]:
        with garant.unit_of_work() as uow, pytest.raises(PermissionDenied) as refused:
            authenticate(uow=uow, email=email, password=password)
        assert str(refused.value) == "wrong email or password"


def test_bad_accounts_are_refused_clearly(garant: Garant) -> None:
    with garant.unit_of_work() as uow:
        with pytest.raises(InvalidInput, match="role"):
            add_user(uow=uow, email="a@org.example", role="boss", password="x" * 14)
        with pytest.raises(InvalidInput, match="12 characters"):
            add_user(uow=uow, email="a@org.example", role="dpo", password="short")
        add_user(uow=uow, email="a@org.example", role="dpo", password="x" * 14)
        with pytest.raises(Conflict):
            add_user(uow=uow, email="A@org.example", role="dpo", password="x" * 14)


def test_tokens_act_for_their_user_until_revoked(garant: Garant) -> None:
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="bot@org.example", role="auditor", password="x" * 14)
        clear = issue_token(uow=uow, email="bot@org.example", name="ci")
    with garant.unit_of_work() as uow:
        actor = actor_for_token(uow=uow, clear=clear)
        assert (actor.id, actor.role) == ("bot@org.example", "auditor")
        with pytest.raises(PermissionDenied):
            actor_for_token(uow=uow, clear=clear + "x")
        revoke_token(uow=uow, token_id=1)
    with garant.unit_of_work() as uow, pytest.raises(PermissionDenied):
        actor_for_token(uow=uow, clear=clear)


def test_deactivated_user_cannot_log_in(garant: Garant) -> None:
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="gone@org.example", role="privacy", password="x" * 14)
        deactivate(uow=uow, email="gone@org.example")
    with garant.unit_of_work() as uow, pytest.raises(PermissionDenied):
        authenticate(uow=uow, email="gone@org.example", password="x" * 14)


def test_a_tokens_last_use_is_kept_to_the_minute_without_a_write_per_call(garant: Garant) -> None:
    from datetime import timedelta

    from garant.accounts.models import ApiToken
    from garant.accounts.service import check_token
    from garant.clock import FixedClock

    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="bot@org.example", role="auditor", password="x" * 14)
        clear = issue_token(uow=uow, email="bot@org.example", name="ci")
    with garant.unit_of_work() as uow:
        actor_for_token(uow=uow, clear=clear)
    with garant.unit_of_work(read_only=True) as uow:
        assert not check_token(uow=uow, clear=clear).needs_note
        first = uow.session.scalars(select(ApiToken)).one().last_used_at
    assert first == garant.clock.now()
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(minutes=2)
    with garant.unit_of_work() as uow:
        assert check_token(uow=uow, clear=clear).needs_note
        actor_for_token(uow=uow, clear=clear)
    with garant.unit_of_work(read_only=True) as uow:
        assert uow.session.scalars(select(ApiToken)).one().last_used_at == first + timedelta(
            minutes=2
        )
