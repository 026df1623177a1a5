"""Input and output of the rights feature (shared by the API, the CLI and the web)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from garant.bounds import Cents, Day, Moment
from garant.rights.rules import (
    Channel,
    Decision,
    RequesterKind,
    RequestType,
    RestrictionGround,
)

MAX_IDENTITIES = 5
MAX_IDENTITY_LENGTH = 200
MAX_TEXT = 5000
IDENTITY_KIND = re.compile(r"[a-z][a-z0-9_]{0,39}")


def bad_text(value: Any, where: str = "") -> str | None:
    """Where a NUL or an unpaired surrogate hides in a JSON-like value, if anywhere: such
    text cannot be stored or mailed, so it is refused at the door (422), never a 500."""
    if isinstance(value, str):
        if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
            return where or "the request"
        return None
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = [("(a name)", k) for k in value] + [
            (_label(k), v) for k, v in value.items()
        ]
    elif isinstance(value, list):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return None
    for name, item in items:
        found = bad_text(item, f"{where}.{name}" if where else name)
        if found:
            return found
    return None


def _label(key: Any) -> str:
    """A key fit to be named back in an error: short and printable, else a placeholder."""
    text = str(key)
    if len(text) > 40 or not text.isprintable() or bad_text(text):
        return "(a name)"
    return text


def describe(exc: ValidationError) -> str:
    """Each problem with where it is, without echoing the value sent."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg']}" for e in exc.errors()
    )


def check_email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"not an email address ({exc})") from None


def check_phone(value: str, region: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a phone number")
    return value


class RequestCreate(BaseModel):
    """A request as received, on any channel (AF-X1: the right claimed, a reply address).

    Limits at the door: at most five identities, each at most 200 characters, an email
    that is an email (email-validator), a phone that is a phone (phonenumbers, national
    numbers read in the region given in the validation context, else France), texts of
    bounded length, and no NUL or unpaired surrogate anywhere.
    """

    model_config = ConfigDict(extra="forbid", str_max_length=MAX_TEXT)

    type: RequestType
    identities: dict[str, str] = Field(min_length=1)
    """Identity kind (email, customer_number, member_number, phone...) -> value."""
    channel: Channel = Channel.API
    received_at: Moment | None = None
    received_on: Day | None = None
    """Staff entry of a letter or email: the day it arrived."""
    reply_email: str | None = Field(default=None, max_length=254)
    reply_address: str | None = Field(default=None, max_length=500)
    lang: str = Field(default="fr", max_length=5)
    entity: str | None = Field(default=None, max_length=80)
    requester_kind: RequesterKind = RequesterKind.PERSON
    requester_name: str | None = Field(default=None, max_length=200)
    requester_proof: str | None = Field(default=None, max_length=2000)
    message: str | None = Field(default=None, max_length=MAX_TEXT)
    changes: dict[str, str] = Field(default_factory=dict, max_length=50)
    """Rectification or completion: ``collection.field`` -> the correct value."""
    restriction_ground: RestrictionGround | None = None
    activities: list[str] = Field(default_factory=list, max_length=50)
    """Objection or withdrawal: the activities or consent purposes concerned (empty: all)."""
    prospecting: bool = False
    """Objection to direct marketing: absolute, no reason needed (Art. 21(3), AF-D5)."""
    grounds: str | None = Field(default=None, max_length=MAX_TEXT)
    """Objection under Art. 21(1): the person's particular situation."""
    export_format: str = Field(default="json", max_length=10)
    destination_url: str | None = Field(default=None, max_length=2000)
    """Portability sent straight to another organization's endpoint (Art. 20(2), AF-D4)."""
    letter_reference: str | None = Field(default=None, max_length=200)
    """Staff entry: where the scanned letter is filed."""

    @model_validator(mode="before")
    @classmethod
    def _text_only(cls, value: Any) -> Any:
        where = bad_text(value)
        if where:
            raise ValueError(f"{where}: contains a NUL or an invalid character")
        return value

    @field_validator("identities")
    @classmethod
    def _non_empty_values(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        cleaned = {k.strip().lower(): v.strip() for k, v in value.items() if v and v.strip()}
        if not cleaned:
            raise ValueError("give at least one identity (for example email=...)")
        if len(cleaned) > MAX_IDENTITIES:
            raise ValueError(f"at most {MAX_IDENTITIES} identities")
        region = str((info.context or {}).get("region") or "FR")
        for kind, text in cleaned.items():
            if not IDENTITY_KIND.fullmatch(kind):
                raise ValueError(f"{kind[:40]!r}: an identity kind is a short lower-case name")
            if len(text) > MAX_IDENTITY_LENGTH:
                raise ValueError(f"{kind}: at most {MAX_IDENTITY_LENGTH} characters")
            if kind == "email":
                cleaned[kind] = check_email(text)
            elif kind == "phone":
                cleaned[kind] = check_phone(text, region)
        return cleaned

    @field_validator("reply_email")
    @classmethod
    def _reply_email(cls, value: str | None) -> str | None:
        return check_email(value.strip()) if value and value.strip() else None

    @field_validator("changes")
    @classmethod
    def _changes(cls, value: dict[str, str]) -> dict[str, str]:
        if any(len(k) > 200 or len(v) > 1000 for k, v in value.items()):
            raise ValueError("a change is collection.field (200 characters) = value (1000)")
        return value

    @field_validator("activities")
    @classmethod
    def _activities(cls, value: list[str]) -> list[str]:
        if any(len(a) > 120 for a in value):
            raise ValueError("an activity or purpose id has at most 120 characters")
        return value

    @field_validator("destination_url")
    @classmethod
    def _destination(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("destination_url must be an http(s) URL")
        return value

    @field_validator("export_format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value not in ("json", "csv", "paper"):
            raise ValueError("export_format is json, csv or paper (DEF-D3)")
        return value


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    activity: str
    decision: Decision
    ground: str | None = None
    explanation: str | None = None


class DecideIn(BaseModel):
    """Staff decisions; with ``refuse_reason`` the whole request is refused (Art. 12(5))."""

    model_config = ConfigDict(extra="forbid")

    decisions: list[DecisionIn] = Field(default_factory=list)
    accept_proposals: bool = False
    refuse_reason: str | None = None
    fee_cents: Cents | None = None
    fee_reason: str | None = None
    fee_paid: bool = False


class DecisionRead(BaseModel):
    activity: str
    decision: str
    ground: str | None
    explanation: str
    proposed: bool


class ErasureOutcome(BaseModel):
    """One collection of an erasure: erased, moved to the archive (DEF-R3), kept live."""

    place: str
    erased: int
    archived: int
    kept: int
    why: str | None
    statute: str | None = None
    until: list[date] = Field(default_factory=list)
    """Destruction dates of the archive bundles (planned ones until the move has run)."""
    done: bool = False


class RequestRead(BaseModel):
    id: int
    type: str
    status: str
    channel: str
    requester_kind: str
    lang: str
    entity: str | None
    received_day: date
    due_day: date
    original_due_day: date
    days_left: int
    overdue: bool
    extended: bool
    extension_reason: str | None
    paused_days: int
    verified: bool
    found: bool | None
    outcome: str | None
    refusal_reason: str | None
    fee_cents: int | None
    scope: dict[str, Any]
    decisions: list[DecisionRead] = Field(default_factory=list)
    tasks: list[dict[str, Any]] = Field(default_factory=list)
    erasure: list[ErasureOutcome] = Field(default_factory=list)
    closed: bool
    attention: str | None = None
    """Why the execution stopped after its last attempt ("needs attention"), else None."""


class OpenedRequest(BaseModel):
    id: int
    due_day: date
    status: str
    follow_token: str
    """Given once to the person: with it the privacy center shows the request's status."""
