"""The readable page of an export formats each column with Babel's pattern resolved once
(``garant.i18n.dates.compiled``): it must write exactly what Babel writes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_datetime

from garant.i18n import dates as garant_dates
from garant.i18n import language
from garant.i18n.dates import compiled, date_formatter, datetime_formatter

PATTERNS = [
    "d MMM y, HH:mm",
    "d MMMM y, HH:mm",
    "d MMMM y",
    "dd/MM/yyyy HH:mm:ss",
    "EEEE d MMMM y",  # a weekday: Babel's own field
    "LLLL y",
    "d MMM y, h:mm a",
    "yy",
    "MMMMM 'à' H'h'",
    "d%M",
]


@pytest.mark.parametrize("locale", ["fr_FR", "en_GB", "en_US", "de_DE"])
def test_a_compiled_pattern_writes_what_babel_writes(locale: str) -> None:
    rng = random.Random(locale)
    for pattern in PATTERNS:
        show = compiled(pattern, locale)
        for _ in range(300):
            value = datetime(
                rng.randint(1, 2100), rng.randint(1, 12), rng.randint(1, 28),
                rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
            )  # fmt: skip
            assert show(value) == format_datetime(value, pattern, locale=locale), pattern


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_column_formatters_match_the_one_value_functions(lang: str) -> None:
    zone = ZoneInfo("Europe/Paris")
    moments = [
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # the spring change of time in Paris
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # already next year in Paris
        datetime(2026, 7, 1, 12, 0),  # naive: UTC
    ]
    days = [date(2026, 1, 15), date(1999, 12, 31)]
    show_moment, show_day = datetime_formatter(lang, zone), date_formatter(lang, zone)
    with language(lang):
        for value in moments:
            assert show_moment(value) == garant_dates.format_datetime(value, zone)
            assert show_day(value) == garant_dates.format_date(value, zone)
        for day in days:
            assert show_moment(day) == show_day(day) == garant_dates.format_date(day, zone)
    locale = {"fr": "fr_FR", "en": "en_GB"}[lang]
    assert show_day(days[0]) == format_date(days[0], "long", locale=locale)
