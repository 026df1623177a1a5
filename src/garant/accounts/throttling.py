"""Sign-in attempts counted in the store through ``garant.throttle`` (OWASP ASVS 2.2.1), so
that every server process sees them, keyed so that nobody can lock someone else out.

A lock per account alone is a denial of service: five wrong passwords from anywhere kept
the right person out for the window. So the password step counts:

- per (account, client address): ``web.login_attempts_per_account`` (5) a window, then a
  429 for that address on that account only;
- per client address, whatever the accounts: ``web.login_attempts_per_client`` (30), so
  one address cannot spray a password over every account;
- per account, from everywhere: ``web.login_attempts_account_wide`` (20). Past it the
  account is under attack from many addresses: each address then gets only
  ``web.login_attempts_when_attacked`` (2) a window on that account. The attack slows to a
  couple of guesses per address, and the right person, from any address not yet used,
  still has their tries: never locked out, only slowed.

The second-factor step is the one locked per account (``staff.login.totp``): only a
holder of the right password reaches it, so its lock bars no stranger's victim.

A lock lifts by itself when the oldest attempts leave the window; a successful sign-in
clears that address's count on the account, not the account-wide one (an attack going on
elsewhere keeps its count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from garant.throttle import service as throttle
from garant.throttle.rules import Rule, Verdict

if TYPE_CHECKING:
    from garant.app import Garant

PAIR = "staff.login.pair"
CLIENT = "staff.login.client"
ACCOUNT = "staff.login.account"
ATTACKED = "staff.login.attacked"
TOTP = "staff.login.totp"


@dataclass(frozen=True)
class LoginRules:
    pair: Rule
    client: Rule
    account: Rule
    attacked: Rule
    totp: Rule


def rules(garant: Garant) -> LoginRules:
    web = garant.settings.web
    window = timedelta(minutes=web.login_lock_minutes)
    return LoginRules(
        pair=Rule(PAIR, limit=web.login_attempts_per_account, window=window),
        client=Rule(CLIENT, limit=web.login_attempts_per_client, window=window),
        account=Rule(ACCOUNT, limit=web.login_attempts_account_wide, window=window),
        attacked=Rule(ATTACKED, limit=web.login_attempts_when_attacked, window=window),
        totp=Rule(TOTP, limit=web.login_attempts_per_account, window=window),
    )


def _account_key(email: str) -> str:
    return email.strip().lower()


def _pair_key(email: str, client: str) -> str:
    return f"{_account_key(email)}|{client}"


def count_attempt(garant: Garant, *, email: str, client: str) -> Verdict:
    """Count one password attempt (each count committed at once, outside any unit of work)
    and answer: refused when this address is over its limit, or over its limit on this
    account (the tighter one while the account is under attack)."""
    found = rules(garant)
    by_client = throttle.hit(garant, found.client, client)
    if not by_client.allowed:
        return by_client
    pair = throttle.hit(garant, found.pair, _pair_key(email, client))
    if not pair.allowed:
        return pair
    if throttle.hit(garant, found.account, _account_key(email)).allowed:
        return pair
    return throttle.hit(garant, found.attacked, _pair_key(email, client))


def count_code_attempt(garant: Garant, *, email: str) -> Verdict:
    """A second-factor code: counted per account (only a password holder gets here)."""
    return throttle.hit(garant, rules(garant).totp, _account_key(email))


def succeeded(garant: Garant, *, email: str, client: str) -> None:
    """The right person signed in from ``client``: that address starts afresh on the
    account, and the second factor's count too; the account-wide count stays."""
    found = rules(garant)
    for rule in (found.pair, found.attacked):
        throttle.reset(garant, rule, _pair_key(email, client))
    throttle.reset(garant, found.totp, _account_key(email))
