"""Dates and times as a person reads them: Babel, in the language of the moment and in
the policy's time zone (never ``2026-12-06T03:06:06+00:00`` on a page, a mail or a PDF).

Values may be ``date``, aware ``datetime`` or the ISO text an API or a JSON column holds;
anything else is returned as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from operator import attrgetter
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import DateTimeFormat, get_month_names, get_timezone_location, tokenize_pattern
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime

from garant.i18n import current_language, gettext, ngettext

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
PATTERNS = {"medium": "d MMM y, HH:mm", "long": "d MMMM y, HH:mm"}
"""``fmt`` names; ``"medium+zone"`` adds the place whose time it is: ``(heure de Paris)``."""


def _locale(lang: str | None = None) -> str:
    return LOCALES.get(lang or current_language(), "en_GB")


def _zone(tz: tzinfo | str | None) -> tzinfo:
    if tz is None:
        return UTC
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _parse(value: object) -> date | datetime | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-":
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def format_date(value: object, tz: tzinfo | str | None = None, fmt: str = "long") -> str:
    """``6 décembre 2026`` / ``6 December 2026``; a moment is first put in ``tz``."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    if isinstance(parsed, datetime):
        moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        parsed = moment.astimezone(_zone(tz)).date()
    return str(_babel_date(parsed, format=fmt, locale=_locale()))


def format_datetime(value: object, tz: tzinfo | str | None = None, fmt: str = "medium") -> str:
    """``6 déc. 2026, 04:06`` in the policy's zone; a plain date is shown as a date."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    if not isinstance(parsed, datetime):
        return format_date(parsed, tz)
    moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    zone = _zone(tz)
    base, _sep, zoned = fmt.partition("+")
    pattern = PATTERNS.get(base, base)
    text = str(_babel_datetime(moment.astimezone(zone), format=pattern, locale=_locale()))
    if zoned:
        city = get_timezone_location(zone, locale=_locale(), return_city=True)
        text += " " + gettext("({city} time)").format(city=city)
    return text


def days_left(days: int | None) -> str:
    """``31 jours restants``, ``1 day left``, ``3 days late``: a count that reads."""
    if days is None:
        return ""
    if days < 0:
        late = -days
        return ngettext("%(n)d day late", "%(n)d days late", late) % {"n": late}
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


# --- one pattern, many values ------------------------------------------------------------
Formatter = Callable[[date], str]


def date_formatter(lang: str, tz: tzinfo | str | None = None, fmt: str = "long") -> Formatter:
    """A function showing dates (and moments, as their day in ``tz``) as ``format_date``
    does, with the locale and pattern resolved once: for a column of values (an export's
    readable page), where ``format_date`` would parse the same pattern for each."""
    locale = _locale(lang)
    apply = compiled(Locale.parse(locale).date_formats[fmt].pattern, locale)
    zone = _zone(tz)

    def show(value: date) -> str:
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            value = moment.astimezone(zone).date()
        return apply(value)

    return show


def datetime_formatter(lang: str, tz: tzinfo | str | None = None, fmt: str = "medium") -> Formatter:
    """A function showing moments as ``format_datetime`` does (in ``tz``; a naive time is
    UTC, a plain date is shown as ``date_formatter`` shows it), the pattern resolved once."""
    locale = _locale(lang)
    apply = compiled(PATTERNS.get(fmt, fmt), locale)
    as_day = date_formatter(lang, tz)
    zone = _zone(tz)

    def show(value: date) -> str:
        if not isinstance(value, datetime):
            return as_day(value)
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return apply(moment.astimezone(zone))

    return show


@cache
def compiled(pattern: str, locale: str) -> Formatter:
    """Babel's ``pattern`` for ``locale`` as one function: tokenized once by Babel into a
    ``%`` template; the common fields (year, month by number or by the locale's names,
    day, hours, minutes, seconds) are read from the value in one ``attrgetter`` call; a
    pattern with any other field is Babel's own ``DateTimeFormat`` for that field. Same
    text as ``babel.dates.format_datetime(value, pattern, locale)`` (compared in
    ``tests/i18n/test_dates_compiled.py``)."""
    parsed = Locale.parse(locale)
    template: list[str] = []
    attrs: list[str] = []
    names: list[tuple[int, list[str]]] = []
    others: list[tuple[int, str]] = []
    for kind, token in tokenize_pattern(pattern):
        if kind == "chars":
            template.append(str(token).replace("%", "%%"))
            continue
        char, num = str(token[0]), int(token[1])
        attr = _ATTRS.get(char)
        if attr is not None and (num <= 2 if char in "dHmsML" else num != 2):
            template.append(f"%0{num}d")
            attrs.append(attr)
        elif char in "ML" and num in (3, 4, 5):
            width: Literal["abbreviated", "wide", "narrow"] = _WIDTHS[num]
            month = get_month_names(width, "format" if char == "M" else "stand-alone", parsed)
            template.append("%s")
            names.append((len(attrs), [""] + [str(month[m]) for m in range(1, 13)]))
            attrs.append("month")
        else:
            template.append("%s")
            others.append((len(attrs), char * num))
            attrs.append("year")  # a placeholder, replaced by Babel's text for the field
    text = "".join(template)
    if not attrs:
        return lambda _value: text % ()
    read = attrgetter(*attrs) if len(attrs) > 1 else (lambda v, a=attrs[0]: (getattr(v, a),))
    if not names and not others:
        return lambda value: text % read(value)

    def apply(value: date) -> str:
        values: list[object] = list(read(value))
        for at, table in names:
            values[at] = table[value.month]
        for at, field in others:
            values[at] = DateTimeFormat(value, parsed)[field]
        return text % tuple(values)

    return apply


_WIDTHS: dict[int, Literal["abbreviated", "wide", "narrow"]] = {
    3: "abbreviated",
    4: "wide",
    5: "narrow",
}
_ATTRS = {"y": "year", "M": "month", "L": "month", "d": "day", "H": "hour", "m": "minute",
          "s": "second"}  # fmt: skip
