"""``index.html`` of an export: a page the person can read, in their language.

Built with ``html.escape`` rather than a template engine (domain packages stay free of
Jinja2): their data grouped by purpose, each with the Art. 15 information from the
policy, Garant's own records about them, what was left out and why, their rights and
how to complain to the supervisory authority.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

from garant.i18n import translate
from garant.subjects.art15 import describe_activity, text

if TYPE_CHECKING:
    from garant.app import Garant
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
    parts = [
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(garant.policy.controller.name)} · "
        f"{escape(t('Prepared on'))} {escape(_day(garant, lang))}</p>",
        f"<p>{escape(t('Each table lists the records in the files of this package.'))}</p>",
    ]
    if not any(e.records for e in exports):
        parts.append(f"<p><strong>{escape(t(NOTHING))}</strong></p>")
    by_activity: dict[str | None, list[CollectionExport]] = defaultdict(list)
    for export in exports:
        by_activity[export.rowset.collection.activity].append(export)
    for activity_id, group in by_activity.items():
        parts.append(_purpose(garant, activity_id, group, lang))
    parts.append(_records(sections, lang))
    parts.append(_excluded(excluded, lang))
    parts.append(_rights(garant, lang))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _purpose(garant: Garant, activity_id: str | None, group: list[Any], lang: str) -> str:
    info = describe_activity(garant.policy, activity_id, lang)
    out = [f"<section><h2>{escape(info['title'])}</h2>"]
    if info["items"]:
        out.append("<dl>")
        for heading, value in info["items"]:
            out.append(f"<dt>{escape(heading)}</dt><dd>{escape(value)}</dd>")
        out.append("</dl>")
    for export in group:
        out.append(_table(export, lang))
    out.append("</section>")
    return "\n".join(out)


def _table(export: Any, lang: str) -> str:
    coll = export.rowset.collection
    label = coll.label.get(lang) if coll.label else coll.name
    counts = translate(lang, "records") + f": {export.records}"
    if export.context:
        counts += f" · {translate(lang, 'shared or linked records')}: {export.context}"
    heads = "".join(f'<th scope="col">{escape(f.label.get(lang))}</th>' for f in export.fields)
    rows = []
    for record in export.sample:
        css = "own" if record["relation"] == "own" else "context"
        cells = "".join(
            f"<td>{escape(_show(record.get(f.name), lang))}</td>" for f in export.fields
        )
        rows.append(f'<tr class="{css}">{cells}</tr>')
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


def _records(sections: list[dict[str, Any]], lang: str) -> str:
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
        for row in rows:
            cells = "".join(f"<td>{escape(_show(row.get(h), lang))}</td>" for h in heads)
            out.append(f"<tr>{cells}</tr>")
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


def _day(garant: Garant, lang: str) -> str:
    from babel.dates import format_date

    return str(format_date(garant.clock.now().astimezone(garant.timezone), "long", locale=lang))


def _show(value: Any, lang: str) -> str:
    """A value as a person reads it: dates and times in words of their language (Babel);
    the CSV and JSON files keep the exact values."""
    from babel.dates import format_date, format_datetime

    if value is None:
        return ""
    if isinstance(value, bool):
        return translate(lang, "yes") if value else translate(lang, "no")
    if isinstance(value, datetime):
        return str(format_datetime(value, "medium", locale=_locale(lang)))
    if isinstance(value, date):
        return str(format_date(value, "long", locale=_locale(lang)))
    return str(value)


@cache
def _locale(lang: str) -> Any:
    """The Babel locale parsed once: parsing it on every date was a third of the time the
    readable page of an export spent on dates (a Pagila customer shows about 80)."""
    from babel import Locale

    return Locale.parse(lang)
