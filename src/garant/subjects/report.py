"""``index.html`` of an export: a page the person can read, in their language.

Built with ``html.escape`` rather than a template engine (domain packages stay free of
Jinja2): their data grouped by purpose, each with the Art. 15 information from the
policy, Garant's own records about them, what was left out and why, their rights and
how to complain to the supervisory authority.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from garant.i18n import translate
from garant.i18n.dates import date_formatter, datetime_formatter
from garant.subjects.art15 import describe_activity, text

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.datamap.models import FieldSpec
    from garant.subjects.export import CollectionExport
    from garant.subjects.schemas import SubjectFind

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1a1a1a}h1{font-size:1.8rem}h2{border-bottom:2px solid #2b4a8b;"
    "padding-bottom:.2rem;margin-top:2.5rem}.scroll{overflow-x:auto}"
    "table{border-collapse:collapse;margin:.5rem 0 .5rem;font-size:.9rem}"
    "th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#eef1f7}tr.context td{color:#444;font-style:italic}dt{font-weight:600}"
    "dd{margin:0 0 .5rem 1rem}section{margin-bottom:2rem}.files a{margin-right:1rem}"
    "@media print{.files{display:none}}"
)
RIGHTS = (
    "You may ask us to access, correct or erase your data, to restrict or object to its use, "
    "to receive it in a portable format, to withdraw a consent at any time, and to give "
    "directions about your data after your death."
)

NOTHING = "We hold no data about you in the systems described in our data map."
COMPLAINT = (
    "You may lodge a complaint with the supervisory authority (in France, the CNIL: www.cnil.fr)."
)


def render(
    garant: Garant,
    found: SubjectFind,
    exports: list[CollectionExport],
    excluded: list[dict[str, Any]],
    sections: list[dict[str, Any]],
    *,
    lang: str,
    portable: bool,
) -> str:
    def t(message: str) -> str:
        return translate(lang, message)

    title = t("Your data portability copy") if portable else t("Your personal data")
    cells = Cells(lang, garant.timezone)
    parts = [
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(garant.policy.controller.name)} · "
        f"{escape(t('Prepared on'))} {escape(cells.day(garant.clock.now()))}</p>",
        f"<p>{escape(t('Each table lists the records in the files of this package.'))}</p>",
        f"<p>{escape(t(MACHINE_VALUES))}</p>",
    ]
    if not any(e.records for e in exports):
        parts.append(f"<p><strong>{escape(t(NOTHING))}</strong></p>")
    by_activity: dict[str | None, list[CollectionExport]] = defaultdict(list)
    for export in exports:
        by_activity[export.rowset.collection.activity].append(export)
    for activity_id, group in by_activity.items():
        parts.append(_purpose(garant, activity_id, group, cells))
    parts.append(_records(sections, cells))
    parts.append(_excluded(excluded, lang))
    parts.append(_rights(garant, lang))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _purpose(garant: Garant, activity_id: str | None, group: list[Any], cells: Cells) -> str:
    info = describe_activity(garant.policy, activity_id, cells.lang)
    out = [f"<section><h2>{escape(info['title'])}</h2>"]
    if info["items"]:
        out.append("<dl>")
        for heading, value in info["items"]:
            out.append(f"<dt>{escape(heading)}</dt><dd>{escape(value)}</dd>")
        out.append("</dl>")
    for export in group:
        out.append(_table(export, cells))
    out.append("</section>")
    return "\n".join(out)


def _table(export: Any, cells: Cells) -> str:
    lang = cells.lang
    coll = export.rowset.collection
    label = coll.label.get(lang) if coll.label else coll.name
    counts = translate(lang, "records") + f": {export.records}"
    if export.context:
        counts += f" · {translate(lang, 'shared or linked records')}: {export.context}"
    heads = "".join(f'<th scope="col">{escape(f.label.get(lang))}</th>' for f in export.fields)
    sample = export.sample
    columns = [cells.column([r.get(f.name) for r in sample], f) for f in export.fields]
    rows = [
        f'<tr class="{"own" if record["relation"] == "own" else "context"}">'
        + "".join(f"<td>{escape(value)}</td>" for value in values)
        + "</tr>"
        for record, values in zip(sample, zip(*columns, strict=True), strict=True)
    ]
    more = ""
    if export.records + export.context > len(export.sample):
        more = f"<p>{escape(translate(lang, 'All records are in the file'))} {export.path}.csv</p>"
    path = escape(export.path, quote=True)
    files = (
        f'<p class="files">{escape(translate(lang, "Files"))}: '
        f'<a href="{path}.csv">{escape(translate(lang, "table (CSV, for a spreadsheet)"))}</a> '
        f'<a href="{path}.json">{escape(translate(lang, "data (JSON, for software)"))}</a></p>'
    )
    return (
        f"<h3>{escape(label)}</h3><p>{escape(counts)}</p>"
        f'<div class="scroll"><table><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{more}{files}"
    )


def _records(sections: list[dict[str, Any]], cells: Cells) -> str:
    lang = cells.lang
    if not sections:
        return ""
    out = [f"<section><h2>{escape(translate(lang, 'What Garant records about you'))}</h2>"]
    for section in sections:
        out.append(f"<h3>{escape(str(section['title']))}</h3>")
        rows = section.get("rows") or []
        if not rows:
            continue
        heads = list(rows[0])
        out.append("<table><thead><tr>")
        out.extend(f'<th scope="col">{escape(str(h))}</th>' for h in heads)
        out.append("</tr></thead><tbody>")
        columns = [cells.column([row.get(h) for row in rows]) for h in heads]
        for values in zip(*columns, strict=True):
            out.append("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in values) + "</tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out)


def _excluded(excluded: list[dict[str, Any]], lang: str) -> str:
    if not excluded:
        return ""
    out = [f"<section><h2>{escape(translate(lang, 'Data not included, and why'))}</h2><ul>"]
    for item in excluded:
        what = item["collection_label"] + (f" — {item['field_label']}" if item["field"] else "")
        out.append(f"<li><strong>{escape(what)}</strong>: {escape(item['reason'])}</li>")
    out.append("</ul></section>")
    return "\n".join(out)


def _rights(garant: Garant, lang: str) -> str:
    policy: Any = garant.policy
    authority = getattr(policy, "supervisory_authority", None)
    dpo = getattr(getattr(policy, "contacts", None), "dpo", None)
    out = [
        f"<section><h2>{escape(translate(lang, 'Your rights'))}</h2>",
        f"<p>{escape(translate(lang, RIGHTS))}</p>",
    ]
    if dpo is not None and getattr(dpo, "email", None):
        out.append(
            f"<p>{escape(translate(lang, 'Write to our data protection officer'))}: "
            f"{escape(str(dpo.email))}</p>"
        )
    if authority is not None:
        name = text(getattr(authority, "name", ""), lang)
        site = str(getattr(authority, "website", "") or "")
        address = text(getattr(authority, "address", ""), lang)
        out.append(
            f"<p>{escape(translate(lang, 'You may lodge a complaint with'))} "
            f"{escape(name)}, {escape(address)} {escape(site)}</p>"
        )
    else:
        out.append(f"<p>{escape(translate(lang, COMPLAINT))}</p>")
    out.append("</section>")
    return "\n".join(out)


MACHINE_VALUES = (
    "The tables show dates, times, yes/no values and codes in words; the CSV and JSON files "
    "keep the values as they are stored (dates and times in ISO 8601, in UTC where the "
    "system records the time zone), for a spreadsheet or another program."
)
Show = Callable[[Any], str]


class Cells:
    """How the page shows a value, chosen once per column (never per cell): dates and
    times in words of the person's language and in the policy's time zone (Babel's
    pattern resolved once: ``garant.i18n.dates.compiled``), yes/no in words, a code by
    the label the data map gives it (``values``); the CSV and JSON files keep the values
    as stored."""

    def __init__(self, lang: str, zone: Any):
        self.lang = lang
        self.moment = datetime_formatter(lang, zone)
        self.day = date_formatter(lang, zone)
        self.words = {True: translate(lang, "Yes"), False: translate(lang, "No")}

    def column(self, values: Sequence[Any], spec: FieldSpec | None = None) -> list[str]:
        """The column's values as text, by one formatter chosen from its types."""
        show = self.formatter({type(v) for v in values} - {type(None)}, values)
        labels = spec.values if spec is not None else None
        if labels:
            names = {str(code): label.get(self.lang) for code, label in labels.items()}
            base = show
            show = lambda v: names.get(str(v)) or base(v)  # noqa: E731
        return ["" if v is None else show(v) for v in values]

    def formatter(self, kinds: set[type], values: Sequence[Any]) -> Show:
        if not kinds or kinds <= _AS_TEXT:
            return str
        if kinds == {bool}:
            return self.words.__getitem__
        if kinds <= {datetime}:
            return self.moment
        if kinds == {date}:
            return self.day
        if kinds == {str}:
            return self._iso_text(values)
        return self.show

    def _iso_text(self, values: Sequence[Any]) -> Show:
        """A column of ISO 8601 texts (a SQLite TEXT column, a JSON detail) is shown as
        dates or times; any other text as it is."""
        parsed = [_iso(v) for v in values if v is not None]
        if not parsed or any(p is None for p in parsed):
            return str
        dated = self.day if all(type(p) is date for p in parsed) else self.moment
        return lambda v: dated(_iso(v) or v)

    def show(self, value: Any) -> str:
        """One value of a column of mixed types, by its own type."""
        if isinstance(value, bool):
            return self.words[value]
        if isinstance(value, datetime):
            return self.moment(value)
        if isinstance(value, date):
            return self.day(value)
        if isinstance(value, str) and (parsed := _iso(value)) is not None:
            return self.moment(parsed) if isinstance(parsed, datetime) else self.day(parsed)
        return str(value)


_AS_TEXT = frozenset({int, float, Decimal})
"""Types shown as ``str`` shows them."""


def _iso(value: Any) -> date | None:
    """An ISO 8601 date or time of a text (``2026-12-06``, ``2026-12-06T03:06:06+00:00``)."""
    if type(value) is not str or len(value) < 10 or value[4:5] != "-" or value[7:8] != "-":
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value)
    except ValueError:
        return None
