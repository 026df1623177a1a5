"""Sign-in attempts counted per account and per client address (OWASP ASVS 2.2.1), in the
store through ``garant.throttle``, so that every server process sees them. A lock lifts by
itself when the oldest attempts leave the window; a successful sign-in clears the
account's count (not the address's)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from garant.throttle import service as throttle
from garant.throttle.rules import Rule, Verdict

if TYPE_CHECKING:
    from garant.app import Garant

ACCOUNT = "staff.login.account"
CLIENT = "staff.login.client"


def rules(garant: Garant) -> tuple[Rule, Rule]:
    web = garant.settings.web
    window = timedelta(minutes=web.login_lock_minutes)
    return (
        Rule(ACCOUNT, limit=web.login_attempts_per_account, window=window),
        Rule(CLIENT, limit=web.login_attempts_per_client, window=window),
    )


def _account_key(email: str) -> str:
    return email.strip().lower()


def count_attempt(garant: Garant, *, email: str, client: str) -> Verdict:
    """Count one attempt (committed at once, outside any unit of work) and answer with the
    stricter verdict: refused when the account or the address is over its limit."""
    account, by_client = rules(garant)
    first = throttle.hit(garant, by_client, client)
    if not first.allowed:
        return first
    return throttle.hit(garant, account, _account_key(email))


def count_code_attempt(garant: Garant, *, email: str) -> Verdict:
    """A second-factor code guessed counts against the account like a password."""
    account, _ = rules(garant)
    return throttle.hit(garant, account, _account_key(email))


def succeeded(garant: Garant, *, email: str) -> None:
    account, _ = rules(garant)
    throttle.reset(garant, account, _account_key(email))
