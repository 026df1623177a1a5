"""Building blocks every policy element shares: strictness, promises, labels, durations.

Every element may carry ``promises: [IDs]`` (the rows of promises.md it keeps) and
``assumed: true`` (a value the organization's published policy does not give, chosen by
whoever wrote the file, so that it can be confirmed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from dateutil.relativedelta import relativedelta
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
)

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_.-]*$")
_PROMISE = re.compile(r"^[A-Z]+-[A-Z]+[0-9]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f'"{value}" is not {what}')
        return value

    return AfterValidator(check)


Identifier = Annotated[
    str, _matching(_IDENTIFIER, "an id (lower case letters, digits, _ . -; e.g. newsletter)")
]
PromiseId = Annotated[str, _matching(_PROMISE, "a promise ID (e.g. AF-R2)")]
Country = Annotated[str, _matching(_COUNTRY, "a country code (two capitals, e.g. FR, US)")]


class Strict(BaseModel):
    """A mapping in the policy file: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Element(Strict):
    promises: list[PromiseId] = Field(default_factory=list)
    assumed: bool = False


class Text(Strict):
    """Words a person will read, in French and in English."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Contact(Element):
    name: str
    organization: str | None = None
    email: str | None = None
    address: str | None = None
    phone: str | None = None


_UNITS = {
    "year": "years",
    "years": "years",
    "month": "months",
    "months": "months",
    "week": "weeks",
    "weeks": "weeks",
    "day": "days",
    "days": "days",
    "hour": "hours",
    "hours": "hours",
    "minute": "minutes",
    "minutes": "minutes",
    # French, as a published policy writes them ("30 minutes", "6 mois", "1 an").
    "an": "years",
    "ans": "years",
    "mois": "months",
    "semaine": "weeks",
    "semaines": "weeks",
    "jour": "days",
    "jours": "days",
    "heure": "hours",
    "heures": "hours",
}
_PART = re.compile(r"(\d+)\s*([a-z]+)")
_DAYS = {
    "years": 365.25,
    "months": 30.44,
    "weeks": 7.0,
    "days": 1.0,
    "hours": 1 / 24,
    "minutes": 1 / 1440,
}
_WORDS = {
    "fr": {
        "years": ("an", "ans"),
        "months": ("mois", "mois"),
        "weeks": ("semaine", "semaines"),
        "days": ("jour", "jours"),
        "hours": ("heure", "heures"),
        "minutes": ("minute", "minutes"),
    },
    "en": {
        "years": ("year", "years"),
        "months": ("month", "months"),
        "weeks": ("week", "weeks"),
        "days": ("day", "days"),
        "hours": ("hour", "hours"),
        "minutes": ("minute", "minutes"),
    },
}


@dataclass(frozen=True)
class Duration:
    """A period written as words ("14 months", "1 year 6 months"), held as a relativedelta."""

    text: str
    parts: tuple[tuple[int, str], ...]

    @property
    def delta(self) -> relativedelta:
        amounts = {unit: n for n, unit in self.parts}
        return relativedelta(
            years=amounts.get("years", 0),
            months=amounts.get("months", 0),
            weeks=amounts.get("weeks", 0),
            days=amounts.get("days", 0),
            hours=amounts.get("hours", 0),
            minutes=amounts.get("minutes", 0),
        )

    @property
    def approx_days(self) -> float:
        """For comparing periods (a retention against a statute), not for computing dates."""
        return sum(n * _DAYS[unit] for n, unit in self.parts)

    def words(self, lang: str) -> str:
        table = _WORDS["fr" if lang == "fr" else "en"]
        joiner = " et " if lang == "fr" else " and "
        return joiner.join(f"{n} {table[u][0 if n == 1 else 1]}" for n, u in self.parts)

    def __str__(self) -> str:
        return self.text


def parse_duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else ""
    parts = _PART.findall(text)
    rebuilt = " ".join(f"{n} {u}" for n, u in parts)
    if not parts or rebuilt != " ".join(text.split()) or any(u not in _UNITS for _, u in parts):
        raise ValueError(
            f'"{value}" is not a duration (examples: "30 minutes", "14 months", "3 years")'
        )
    return Duration(" ".join(text.split()), tuple((int(n), _UNITS[u]) for n, u in parts))


DurationField = Annotated[
    Duration, PlainValidator(parse_duration), PlainSerializer(str, return_type=str)
]
