"""Value detectors: does a sampled value look like an email, a phone, a card, a NIR...?

Each detector answers for one value; the classifier counts the answers over a sample. The
checks are the libraries' own (email-validator, phonenumbers, python-stdnum's IBAN, Luhn
and NIR), never hand-written patterns for what they already validate.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import bic, iban, luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir, siren, siret

Detector = Callable[[object], bool]

_HASH_PREFIX = re.compile(r"^\$(2[abxy]?|argon2(id|i|d)|pbkdf2[-_a-z0-9]*|scrypt|[1567]|y|gy)\$")
_HEX_DIGEST = re.compile(r"^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128})$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]{6,24}$")
_POSTAL = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9 \-]{1,9}$")
_DIGITS = re.compile(r"\D")


def as_text(value: object) -> str | None:
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def is_email(value: object) -> bool:
    text = as_text(value)
    if text is None or "@" not in text or len(text) > 254:
        return False
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_phone(value: object, region: str = "FR", *, strict: bool = False) -> bool:
    """A possible (``strict``: valid) number, read in the region or as international digits."""
    text = as_text(value)
    if text is None or not _PHONE_CHARS.match(text):
        return False
    digits = _DIGITS.sub("", text)
    if not 6 <= len(digits) <= 15:
        return False
    candidates = (
        [(text, region)] if text.startswith("+") else [(text, region), ("+" + digits, None)]
    )
    for raw, reg in candidates:
        try:
            number = phonenumbers.parse(raw, reg)
        except phonenumbers.NumberParseException:
            continue
        if (phonenumbers.is_valid_number if strict else phonenumbers.is_possible_number)(number):
            return True
    return False


def is_phone_shaped(value: object) -> bool:
    """Digits with phone punctuation, 6 to 15 of them: what a column named "phone" holds
    even when the numbers lack their country code (Pagila's ``28303384290``)."""
    text = as_text(value)
    return (
        text is not None
        and bool(_PHONE_CHARS.match(text))
        and 6 <= len(_DIGITS.sub("", text)) <= 15
    )


def is_ip(value: object) -> bool:
    text = as_text(value)
    if text is None and value is not None and type(value).__name__.startswith("IPv"):
        return True
    if text is None or not any(c in text for c in ".:"):
        return False
    try:
        ipaddress.ip_address(text.split("/")[0])
    except ValueError:
        return False
    return True


def is_iban(value: object) -> bool:
    text = as_text(value)
    return text is not None and len(text) >= 15 and iban.is_valid(text)


def is_bic(value: object) -> bool:
    """A bank identifier code (ISO 9362), checked by python-stdnum."""
    text = as_text(value)
    return text is not None and len(text) in (8, 11) and bic.is_valid(text)


def is_card(value: object) -> bool:
    """13 to 19 digits passing the Luhn check (ISO/IEC 7812), not a run of one digit."""
    text = as_text(value)
    if text is None or not re.fullmatch(r"[\d \-]{13,23}", text):
        return False
    digits = _DIGITS.sub("", text)
    if not 13 <= len(digits) <= 19 or len(set(digits)) < 2:
        return False
    try:
        luhn.validate(digits)
    except StdnumError:
        return False
    return True


def is_nir(value: object) -> bool:
    """French social security number (NIR), with its control key (python-stdnum)."""
    text = as_text(value)
    return text is not None and len(_DIGITS.sub("", text)) >= 13 and nir.is_valid(text)


def is_siret(value: object) -> bool:
    """A French establishment number (14 digits, SIREN + NIC, INSEE's Luhn key): checked
    before the payment-card rule, which the same Luhn key would otherwise satisfy."""
    text = as_text(value)
    return text is not None and len(_DIGITS.sub("", text)) == 14 and siret.is_valid(text)


def is_siren(value: object) -> bool:
    """A French company number (9 digits with INSEE's Luhn key)."""
    text = as_text(value)
    return text is not None and len(_DIGITS.sub("", text)) == 9 and siren.is_valid(text)


def is_password_hash(value: object) -> bool:
    text = as_text(value)
    return text is not None and bool(_HASH_PREFIX.match(text) or _HEX_DIGEST.match(text))


def is_crypt_hash(value: object) -> bool:
    """A modular-crypt hash (``$2b$``, ``$argon2id$``...): a bare hex digest could be a token."""
    text = as_text(value)
    return text is not None and bool(_HASH_PREFIX.match(text))


def is_postal_code(value: object) -> bool:
    text = as_text(value)
    return text is not None and bool(_POSTAL.match(text))


def is_past_date(value: object) -> bool:
    """A date a person could have been born on (after 1900, not in the future)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return date(1900, 1, 1) <= value <= date.today()
    text = as_text(value)
    if text is None:
        return False
    try:
        parsed = date.fromisoformat(text[:10])
    except ValueError:
        return False
    return date(1900, 1, 1) <= parsed <= date.today()


@cache
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """First and last names from Faker's English, French, German and Spanish providers."""
    from faker.providers.person.de_DE import Provider as De
    from faker.providers.person.en_US import Provider as En
    from faker.providers.person.es_ES import Provider as Es
    from faker.providers.person.fr_FR import Provider as Fr

    firsts: set[str] = set()
    lasts: set[str] = set()
    for provider in (En, Fr, De, Es):
        firsts.update(n.lower() for n in provider.first_names)
        lasts.update(n.lower() for n in provider.last_names)
    return frozenset(firsts), frozenset(lasts)


def is_first_name(value: object) -> bool:
    text = as_text(value)
    return text is not None and text.lower() in _name_lists()[0]


def is_last_name(value: object) -> bool:
    text = as_text(value)
    return text is not None and text.lower() in _name_lists()[1]


def is_free_text(value: object) -> bool:
    """Prose: long enough, several words (a comment, a note, a message)."""
    text = as_text(value)
    return text is not None and len(text) >= 40 and text.count(" ") >= 5


def is_street_address(value: object) -> bool:
    """A number and words: "47 MySakila Drive", "12 rue de la Paix"."""
    text = as_text(value)
    return (
        text is not None
        and bool(re.search(r"\d", text))
        and bool(re.search(r"[A-Za-zÀ-ÿ]{3,}", text))
        and " " in text
        and len(text) <= 120
    )
