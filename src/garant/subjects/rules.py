"""Pure rules about identities: parsing ``kind=value`` and the spellings worth matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from garant.errors import InvalidInput

KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Identity:
    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}=<{len(self.value)} characters>"


def parse_identity(text: str) -> Identity:
    """``email=a@b.c`` -> Identity("email", "a@b.c"); the kind is a plain lower-case name."""
    kind, sep, value = text.partition("=")
    kind = kind.strip().lower()
    if not sep or not value.strip():
        raise InvalidInput(f'identity "{kind or text[:20]}": expected KIND=VALUE, e.g. email=a@b.c')
    if not KIND.match(kind):
        raise InvalidInput(f'identity kind "{kind[:40]}": use letters, digits and _ only')
    if len(value) > 320:
        raise InvalidInput(f"identity {kind}: value longer than 320 characters")
    return Identity(kind, value.strip())


def parse_identities(texts: list[str]) -> list[Identity]:
    if not texts:
        raise InvalidInput("give at least one identity, e.g. --identity email=a@b.c")
    return [parse_identity(t) for t in texts]


def variants(identity: Identity, *, region: str = "FR") -> list[str]:
    """The spellings under which a system may have stored this identity.

    Emails compare case-insensitively in practice (RFC 5321 leaves the local part to the
    host, but nobody relies on it); phones are stored with or without spaces, national
    or international.
    """
    value = identity.value.strip()
    found: dict[str, None] = {value: None}
    if identity.kind == "email":
        found.setdefault(value.lower(), None)
    elif identity.kind == "phone":
        for spelling in _phone_spellings(value, region):
            found.setdefault(spelling, None)
    return list(found)


def _phone_spellings(value: str, region: str) -> list[str]:
    compact = "".join(ch for ch in value if ch.isdigit() or ch == "+")
    out = [compact]
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return out
    for fmt in (
        phonenumbers.PhoneNumberFormat.E164,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
    ):
        text = phonenumbers.format_number(number, fmt)
        out.extend([text, text.replace(" ", "")])
    return out


def matches(identity_values: set[str], stored: object) -> bool:
    """Whether a stored identity value is one of the person's (for redaction of others)."""
    if stored is None:
        return False
    text = str(stored).strip()
    return text in identity_values or text.lower() in identity_values
