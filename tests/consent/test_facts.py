"""An uncached check reads the store once (``garant.consent.facts``), and the web's lean
path (``may_use_reading`` on ``Store.read``'s kept connection) answers as ``may_use``."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text

from garant.app import Garant
from garant.clock import FixedClock
from garant.consent import service, suppression
from garant.consent.check import may_use, may_use_reading
from garant.rights import restriction
from garant.rights.models import Restriction, RestrictionRef

SOPHIE, LEO, INES, NOAH, EMMA, RAPH = (
    ("email", f"{name}@example.org") for name in ("sophie", "leo", "ines", "noah", "emma", "raph")
)


def _people(garant: Garant) -> None:
    """Sophie consents; Léo withdrew (so he is on the list); Inès consented then objected
    to all prospecting; Noah objected then consented again explicitly; Emma has a soft
    opt-in; Raph is restricted."""
    clock = garant.clock
    assert isinstance(clock, FixedClock)
    with garant.unit_of_work() as uow:
        for who, purpose, given in (
            (SOPHIE, "newsletter", True),
            (LEO, "newsletter", True),
            (LEO, "newsletter", False),
            (INES, "newsletter", True),
            (RAPH, "newsletter", True),
        ):
            service.record(uow=uow, identity=who, purpose=purpose, given=given, source="form")
        service.record(
            uow=uow,
            identity=EMMA,
            purpose="customer_offers",
            given=True,
            source="form",
            basis="soft_opt_in",
        )
        suppression.add(uow=uow, identity=INES, purpose="*", reason="objection")
        suppression.add(uow=uow, identity=NOAH, purpose="*", reason="objection")
        row = Restriction(ground="accuracy_contested", activities=None, started_at=uow.now())
        uow.session.add(row)
        uow.session.flush()
        uow.session.add_all(
            RestrictionRef(restriction_id=row.id, subject_ref=r) for r in uow.subject_refs(*RAPH)
        )
    clock.advance(minutes=5)
    with garant.unit_of_work() as uow:
        service.record(uow=uow, identity=NOAH, purpose="newsletter", given=True, source="form")


ASKS: list[tuple[tuple[str, str], str, str | None, str]] = [
    (SOPHIE, "newsletter", None, "consent"),
    (LEO, "newsletter", None, "suppressed"),  # a withdrawal leaves an entry (AF-R7)
    (INES, "newsletter", None, "suppressed"),
    (NOAH, "newsletter", None, "consent"),
    (EMMA, "customer_offers", None, "soft_opt_in"),
    (EMMA, "newsletter", None, "no_consent"),
    (SOPHIE, "registration", None, "legal_basis"),
    (INES, "registration", None, "legal_basis"),
    (SOPHIE, "newsletter", "registration", "consent"),
    (EMMA, "newsletter", "registration", "incompatible_purpose"),
    (LEO, "newsletter", "registration", "suppressed"),
    (SOPHIE, "partners", "registration", "incompatible_purpose"),
    (RAPH, "newsletter", None, "blocked"),
    (RAPH, "registration", None, "blocked"),
]


@pytest.fixture
def people(cg: Garant) -> Garant:
    assert restriction.blocker in cg.use_blockers
    _people(cg)
    return cg


def _statements(garant: Garant) -> list[str]:
    sent: list[str] = []
    event.listen(
        garant.store.engine, "before_cursor_execute", lambda *a: sent.append(a[2].split()[0])
    )
    return sent


def test_af_d5_af_d6_one_statement_per_uncached_check(people: Garant) -> None:
    """AF-D5, AF-D6, AF-P2: every basis, the suppression list (and a consent given after
    the objection), a restriction and compatibility decided from one read of the store."""
    sent = _statements(people)
    with people.unit_of_work(read_only=True) as uow:
        for identity, purpose, collected_for, code in ASKS:
            sent.clear()
            decision = may_use(
                uow=uow, identity=identity, purpose=purpose, collected_for=collected_for
            )
            assert decision.code == code, (identity, purpose, collected_for, decision)
            # a restricted person's exact reason comes from the restriction itself
            assert sent.count("SELECT") == (1 if code != "blocked" else 3), sent
            if code == "suppressed":
                assert "on the suppression list" in decision.reason
            if code == "blocked":
                assert "accuracy_contested" in decision.reason


def test_af_d7_reading_path_answers_as_may_use(people: Garant) -> None:
    """AF-D7: the web's lean path gives the same decision on a kept connection, and hands a
    possible restriction back (``None``) for a unit of work to decide."""
    for identity, purpose, collected_for, code in ASKS:
        with people.unit_of_work(read_only=True) as uow:
            full = may_use(uow=uow, identity=identity, purpose=purpose, collected_for=collected_for)
        lean = people.store.read(
            lambda conn: may_use_reading(people, conn, identity, purpose, collected_for)  # noqa: B023
        )
        assert lean == (None if code == "blocked" else full), (identity, purpose)


def test_af_d7_kept_connection_sees_a_withdrawal_at_once(people: Garant) -> None:
    """AF-D7: a reading connection kept between checks never answers from an old snapshot."""

    def ask() -> Any:
        return people.store.read(
            lambda conn: may_use_reading(people, conn, SOPHIE, "newsletter", None)
        )

    assert ask().allowed
    with people.unit_of_work() as uow:
        service.record(uow=uow, identity=SOPHIE, purpose="newsletter", given=False, source="api")
    after = ask()
    assert not after.allowed and after.code == "suppressed"


def test_kept_connection_replaced_after_the_server_dropped_it(
    make_garant: Any, pg_url: str
) -> None:
    """A kept connection the server closed (a restart, an idle timeout) is dropped and the
    read done again on a new one, without an error for the caller."""
    from tests.consent.policy import POLICY

    garant = make_garant(policy=POLICY, url=pg_url)
    first = garant.store.read(lambda conn: conn.execute(text("SELECT pg_backend_pid()")).scalar())
    with garant.store.engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.commit()
    second = garant.store.read(lambda conn: conn.execute(text("SELECT pg_backend_pid()")).scalar())
    assert second != first
    again = garant.store.read(lambda conn: conn.execute(text("SELECT pg_backend_pid()")).scalar())
    assert again == second, "the new connection is kept"
