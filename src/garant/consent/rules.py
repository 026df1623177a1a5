"""Pure rules of consent: which basis a purpose accepts, what the latest event allows,
how long a cookie choice lasts.

French electronic prospecting (CPCE art. L34-5, CNIL guidance) knows three bases:
``consent`` (prior, explicit); ``soft_opt_in`` (an existing customer, about products or
services similar to those bought, told at collection and free to object); and
``opt_out_b2b`` (a professional address, about the person's profession, free to object).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta

from garant.consent.purposes import PROSPECTING_BASES, Purpose
from garant.errors import InvalidInput

SOURCES = ("form", "banner", "email_link", "staff", "api", "privacy_center", "import", "gpc")

# Which recorded bases a purpose accepts, by the purpose's own prospecting basis: explicit
# consent always suffices; a soft opt-in fits a B2B purpose too; B2B opt-out fits only B2B.
ACCEPTED_BASES = {
    "consent": {"consent"},
    "soft_opt_in": {"consent", "soft_opt_in"},
    "opt_out_b2b": {"consent", "soft_opt_in", "opt_out_b2b"},
}

COOKIE_CHOICE_MAX = relativedelta(months=13)  # AF-R4, CNIL: a choice lasts 13 months at most
COOKIE_ASK_AGAIN = relativedelta(months=6)  # CNIL recommends asking again after six months
MEASUREMENT_DATA_MAX = relativedelta(months=25)  # CNIL: audience-measurement data, 25 months
SUPPRESSION_KEEP = relativedelta(years=3)  # AF-R7: three years to make an objection effective


@dataclass(frozen=True)
class Decision:
    """The answer to "may this person's data be used for this purpose now?", with why."""

    allowed: bool
    reason: str
    code: str = ""


@dataclass(frozen=True)
class State:
    """The latest ledger event of one person for one purpose."""

    given: bool
    basis: str
    purpose_version: str | None
    at: datetime


def check_basis(purpose: Purpose, basis: str) -> str:
    """The basis a record may claim for this purpose, or a clear refusal."""
    if basis not in PROSPECTING_BASES:
        raise InvalidInput(f'basis "{basis}" is not one of {"|".join(PROSPECTING_BASES)}')
    if basis not in ACCEPTED_BASES.get(purpose.basis, {"consent"}):
        raise InvalidInput(
            f'purpose "{purpose.id}" needs {purpose.basis.replace("_", " ")} '
            f"(policy prospecting_basis); {basis} is not enough"
        )
    return basis


def check_source(source: str) -> str:
    if source not in SOURCES:
        raise InvalidInput(f'source "{source}" is not one of {"|".join(SOURCES)}')
    return source


def decide(purpose: Purpose, state: State | None, *, formal: bool = False) -> Decision:
    """What the ledger allows for one purpose; ``formal`` demands explicit consent (DEF-S1)."""
    if state is None:
        return Decision(False, f'no consent recorded for "{purpose.id}"', "no_consent")
    day = state.at.date().isoformat()
    if not state.given:
        return Decision(False, f'consent to "{purpose.id}" withdrawn on {day}', "withdrawn")
    accepted = {"consent"} if formal else ACCEPTED_BASES.get(purpose.basis, {"consent"})
    if state.basis not in accepted:
        need = "formal consent" if formal else purpose.basis
        return Decision(
            False, f'"{purpose.id}" needs {need}; only {state.basis} is recorded', "no_consent"
        )
    if state.basis == "consent" and state.purpose_version != purpose.version:
        return Decision(
            False,
            f'consent to "{purpose.id}" was given for version {state.purpose_version}; the '
            f"purpose changed (version {purpose.version}): ask again",
            "stale",
        )
    if state.basis == "soft_opt_in":
        why = "existing customer, similar products (soft opt-in), no objection"
    elif state.basis == "opt_out_b2b":
        why = "professional address, about the person's profession (B2B), no objection"
    else:
        why = f'consent to "{purpose.id}" given on {day}'
    return Decision(True, why, state.basis)


def latest(states: list[State]) -> State | None:
    """After a key rotation a person may have rows under two hashes: the newest wins."""
    return max(states, key=lambda s: s.at) if states else None


def cookie_expiry(chosen_at: datetime) -> datetime:
    """AF-R4: 13 months from the choice itself; a later visit never extends it."""
    return chosen_at + COOKIE_CHOICE_MAX


def cookie_ask_again(chosen_at: datetime, months: int | None = None) -> datetime:
    """When to ask again: six months by default (a refusal too), never after the expiry."""
    delay = COOKIE_ASK_AGAIN if months is None else relativedelta(months=months)
    return min(chosen_at + delay, cookie_expiry(chosen_at))


def measurement_data_expiry(collected_at: datetime) -> datetime:
    """CNIL guidance on audience measurement: the data it collects, 25 months at most."""
    return collected_at + MEASUREMENT_DATA_MAX


def suppression_expiry(added_at: datetime) -> datetime:
    return added_at + SUPPRESSION_KEEP
