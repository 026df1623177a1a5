"""Dates and times as a person reads them: Babel, in the language of the moment and in
the policy's time zone (never ``2026-12-06T03:06:06+00:00`` on a page, a mail or a PDF).

Values may be ``date``, aware ``datetime`` or the ISO text an API or a JSON column holds;
anything else is returned as it is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import get_timezone_location

from garant.i18n import current_language, gettext, ngettext

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
PATTERNS = {"medium": "d MMM y, HH:mm", "long": "d MMMM y, HH:mm"}
"""``fmt`` names; ``"medium+zone"`` adds the place whose time it is: ``(heure de Paris)``."""


def _locale() -> str:
    return LOCALES.get(current_language(), "en_GB")


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
