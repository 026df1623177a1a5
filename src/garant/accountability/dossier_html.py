"""Laying out the dossier as one self-contained HTML page (print CSS for WeasyPrint).

Built with ``html.escape`` rather than a template engine: the domain stays free of
Jinja2, and every value is escaped in one place (``_e``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import date, datetime
from html import escape
from html import unescape as html_unescape
from typing import TYPE_CHECKING, Any

from garant.accountability.dossier import Section
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.i18n.dates import format_date, format_datetime
from garant.i18n.labels import label, named
from garant.processors.rules import CLAUSES

if TYPE_CHECKING:
    from garant.app import Garant

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_GARANT: ContextVar[Garant | None] = ContextVar("dossier_garant", default=None)
"""The workspace being printed: its time zone and its policy's words for its ids."""

CSS = """
@page { size: A4; margin: 18mm 15mm; @bottom-right { content: counter(page) " / " counter(pages);
  font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 18pt; } h2 { font-size: 13pt; border-bottom: 1px solid #444;
  page-break-before: always; } h2.first { page-break-before: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; table-layout: fixed; }
th, td { border: 1px solid #999; padding: 2pt 3pt; text-align: left; vertical-align: top;
  font-size: 7.5pt; overflow-wrap: anywhere; }
th { background: #eee; } .src { color: #555; font-size: 8pt; } .empty { font-style: italic; }
.late { color: #a00; } .ok { color: #070; } .ids { color: #555; font-size: 7.5pt; }
"""


def _e(value: Any) -> str:
    """A value as the authority reads it: yes/no, local dates, labels, never a repr."""
    garant = _GARANT.get()
    tz = garant.timezone if garant is not None else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return escape(format_datetime(value, tz, "medium+zone"))
    if isinstance(value, date):
        return escape(format_date(value, tz))
    if isinstance(value, list | tuple):
        return ", ".join(_e(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{escape(_heading(str(k)))}: {_e(_worded(str(k), v))}"
                         for k, v in value.items() if v not in (None, ""))  # fmt: skip
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return escape(format_date(value, tz))
    if isinstance(value, str) and CODE.fullmatch(value):
        return escape(label(value))  # a code of the model: its words (unknown ones stay)
    return escape(str(value))


def _worded(key: str, value: Any) -> Any:
    """A piece of evidence in words: a data category by its label, a policy id by the
    policy's own words, a code of the model by its label."""
    if not isinstance(value, str):
        return value
    if key == "category":
        from garant.policy.wording import category

        return category(value)
    return _named(value)


def _named(value: Any) -> str:
    garant = _GARANT.get()
    if garant is None or not value:
        return "" if value is None else str(value)
    return named(garant.policy, value)


def _heading(key: str) -> str:
    """The words for a column of Garant's own records (``aware_at``, ``published_by``)."""
    return {
        "id": "#", "number": _("Version"), "reference": _("Reference"), "title": _("Title"),
        "nature": _("Nature of the breach"), "aware_at": _("Known since"),
        "persons_approx": _("Persons"), "records_approx": _("Records"),
        "data_categories": _("Data"), "likely_consequences": _("Likely consequences"),
        "measures_taken": _("Measures taken"), "risk": _("Risk"),
        "no_notification_reason": _("Why not notified"), "notified_at": _("Notified on"),
        "published_at": _("Published on"), "published_by": _("Published by"),
        "summary": _("Summary"), "sha256": _("Fingerprint (SHA-256)"), "at": _("Date"),
        "requester": _("Requester"), "basis": _("Legal basis"), "data": _("Data disclosed"),
        "approved_by": _("Approved by"), "told": _("Person told"),
        "flagged": _("Outside the policy's recipients"), "kind": _("Kind"),
        "holder": _("Holder"), "dated": _("Dated"), "valid_until": _("Valid until"),
        "state": _("State"), "as_of": _("As of"), "started_at": _("Started"),
        "finished_at": _("Finished"), "status": _("Status"), "dry_run": _("Dry run"),
        "counts": _("Changes"), "rule": _("Rule"), "created_at": _("Created"),
        "destroyed_at": _("Destroyed on"), "records": _("Records"), "count": _("Count"),
        "proof": _("Proof"), "manifest_sha256": _("Manifest fingerprint"),
        "processor_id": _("Processor"), "countries": _("Countries"),
        "next_audit": _("Next audit"), "contract_expires": _("Contract expires"),
        "mechanism": _("Mechanism"), "collection": _("Collection"),
        "rows": _("Rows"), "activity": _("Activity"), "purpose": _("Purpose"),
        "persons": _("Persons"), "action": _("Action"), "country": _("Country"),
        "measure": _("Measure"), "when": _("Compared with"), "request_id": _("Request"),
        "due_day": _("Due date"), "breach_id": _("Breach"), "system": _("System"),
        "table": _("Table"), "column": _("Column"), "category": _("Category"), "why": _("Why"),
        "special": _("Special categories (Art. 9)"), "criteria": _("Criteria"),
        "record_id": _("Document"), "dpia_id": _("DPIA"), "disclosure_id": _("Disclosure"),
        "alert": _("Alert"), "legal_basis": _("Legal basis"),
    }.get(key, label(key))  # fmt: skip


def _sources_in_words() -> dict[str, str]:
    return {
        "policy_versions": _("published policy versions"),
        "audit_events": _("audit log"),
        "audit_seals": _("audit seals"),
        "breach_breaches": _("breach register"),
        "breach_notifications": _("notifications to the authority"),
        "processor_processors": _("processor register"),
        "dpia_records": _("impact assessments"),
        "rights_requests": _("rights requests"),
        "retention_runs": _("retention runs"),
        "archive_*": _("archives"),
        "disclosure_log": _("disclosure log"),
        "org_records": _("organizational records"),
    }


def _source(source: str) -> str:
    """Where a section's figures come from, in words (the store's tables by what they hold)."""
    words = _sources_in_words()
    return ", ".join(words.get(part, part) for part in (p.strip() for p in source.split(",")))


def _table(headers: list[str], rows: Iterable[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _h3(text: str) -> str:
    return f"<h3>{escape(text)}</h3>"


def _ids(ids: list[Any]) -> str:
    return f'<span class="ids">(#{escape(", #".join(map(str, ids)))})</span>' if ids else ""


def _register(s: Section) -> str:
    cols = [_("Activity"), _("Purposes"), _("Legal basis"), _("Data"), _("Recipients"),
            _("Processors"), _("Transfers"), _("Retention")]  # fmt: skip
    keys = ["name", "purposes", "legal_basis", "data", "recipients", "processors", "transfers",
            "retention"]  # fmt: skip
    from garant.policy.wording import category

    def words(row: dict[str, Any]) -> list[Any]:
        said = dict(row)
        said["legal_basis"] = label(row["legal_basis"], "legal_basis")
        said["data"] = ", ".join(category(c.strip()) for c in row["data"].split(",") if c)
        for key in ("recipients", "processors", "retention"):
            said[key] = ", ".join(_named(v.strip()) for v in row[key].split(",") if v)
        return [said[k] for k in keys]

    return _table(cols, (words(r) for r in s.data["rows"]))


def _versions(s: Section) -> str:
    return _generic(s)


def _security(s: Section) -> str:
    out = "<p>" + _("Declared now:") + " " + _measures(s.data["current"]) + "</p>"
    hist = [[h["version"], _measure_words(h["measures"])] for h in s.data["history"]]
    return out + _table([_("Version"), _("Measures (strength)")], hist)


def _processors(s: Section) -> str:
    contracts, transfers = [], []
    for p in s.data["rows"]:
        missing: Any = [_(CLAUSES.get(k, k)) for k, v in p["clauses"].items() if not v]
        if p["parent"]:
            missing = _("contract with its processor (Art. 28(4))")
        mechanism = label(p["mechanism"], "transfer_mechanism") if p["mechanism"] else "-"
        if p["scc_module"]:
            mechanism += f" (module {p['scc_module']})"
        for_ = _("for")
        name = (f"#{p['id']} " if p["id"] else "") + p["name"]
        name += f" ({for_} {p['parent']})" if p["parent"] else ""
        name += "" if p["registered"] else " (" + _("declared in the policy") + ")"
        if p.get("ended_on"):
            name += " (" + _("ended on {day}").format(day=p["ended_on"]) + ")"
        contracts.append(
            [
                name,
                p["service"],
                p["contract_signed"],
                p["contract_expires"],
                missing or _("all present"),
                p["breach_notice_hours"],
                [f"{_e(a['on'])} {label(a['outcome'], 'outcome')}" for a in p["audits"]],
                p["next_audit"],
            ]
        )
        transfers.append([name, p["countries"], mechanism, p["dpf_certified"], p["tia_date"],
                          p["sub_processors"], [a["message"] for a in p["alerts"]]])  # fmt: skip
    c_cols = [
        _("Processor"),
        _("Service"),
        _("Contract signed"),
        _("Expires"),
        _("Missing clauses"),
        _("Breach notice (h)"),
        _("Audits"),
        _("Next audit"),
    ]
    t_cols = [_("Processor"), _("Countries"), _("Mechanism"), _("DPF certified"), _("TIA"),
              _("Sub-processors"), _("Alerts")]  # fmt: skip
    return (
        _h3(_("Contracts (Art. 28)"))
        + _table(c_cols, contracts)
        + _h3(_("Transfers (Chapter V)"))
        + _table(t_cols, transfers)
    )


def _dpias(s: Section) -> str:
    rows = [[f"#{d['id']}", d["title"], d["activity"], [c["id"] for c in d["criteria"]],
             [c["id"] for c in d["cnil_list"]], d["exception_reason"], d["required"], d["status"],
             {k: f"{v.get('severity')}/{v.get('likelihood')}" for k, v in d["risks"].items()},
             d["prior_consultation"]] for d in s.data["rows"]]  # fmt: skip
    cols = ["#", _("Title"), _("Activity"), _("EDPB criteria"), _("CNIL list"),
            _("Exception"), _("Required"), _("Status"), _("Risks (severity/likelihood)"),
            _("Prior consultation (Art. 36)")]  # fmt: skip
    return _table(cols, rows)


def _generic(s: Section, key: str = "rows") -> str:
    rows = s.data.get(key) or []
    headers = list(rows[0]) if rows else []
    cells = ([_said(h, r.get(h)) for h in headers] for r in rows)
    return _table([_heading(h) for h in headers], cells)


def _said(key: str, value: Any) -> Any:
    kinds = {"nature": "nature", "risk": "risk", "basis": "disclosure_basis",
             "kind": "record_kind", "status": "run_status"}  # fmt: skip
    if key == "data_categories" and isinstance(value, list):
        from garant.policy.wording import category

        return ", ".join(category(c) for c in value)
    if key in kinds and isinstance(value, list):
        return ", ".join(label(v, kinds[key]) for v in value)
    if key in kinds and isinstance(value, str):
        return label(value, kinds[key])
    if key == "rule":
        return _named(value)
    if key == "summary" and isinstance(value, str) and value.startswith(("[", "{")):
        import json

        changes = json.loads(value)
        return _("{count} change(s)").format(count=len(changes))
    return value


def _measures(ids: Any) -> str:
    garant = _GARANT.get()
    out = []
    for measure in ids or []:
        try:
            found = garant.policy.security_measure(measure) if garant else None
        except GarantError:  # a measure the policy no longer names: its id
            found = None
        words = getattr(found, "label", None)
        out.append(escape(words.get(_lang()) if words is not None else str(measure)))
    return ", ".join(out)


def _measure_words(text: str) -> str:
    """``access_control (4), backups (4)`` as the policy names each measure."""
    said = []
    for item in (part for part in text.split(", ") if part):
        measure, _sep, strength = item.partition(" (")
        words = html_unescape(_measures([measure]))
        said.append(f"{words} ({strength}" if strength else words)
    return ", ".join(said)


def _lang() -> str:
    from garant.i18n import current_language

    return current_language()


def bar_chart(months: dict[str, dict[str, int]]) -> str:
    """Requests per month, stacked: on time (green), late (red), open (grey); inline SVG."""
    colours = {"on_time": "#2a7", "late": "#c33", "open": "#999"}
    width, height, bar = 40 * max(len(months), 1) + 40, 140, 24
    peak = max((sum(c.values()) for c in months.values()), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}">']
    for i, (month, counts) in enumerate(months.items()):
        x, y = 30 + i * 40, float(height)
        for outcome, colour in colours.items():
            h = counts.get(outcome, 0) / peak * (height - 10)
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{outcome}: {counts[outcome]}</title></rect>'
                )
        parts.append(f'<text x="{x}" y="{height + 12}" font-size="7">{escape(month)}</text>')
    parts.append(f'<text x="0" y="10" font-size="7">{peak}</text></svg>')
    return "".join(parts)


def _requests(s: Section) -> str:
    d = s.data
    outcomes = d["outcomes"]
    labels = [(_("Received"), d["received"]), (_("Answered on time"), outcomes.get("on_time", [])),
              (_("Late"), outcomes.get("late", [])),
              (_("Open, not yet due"), outcomes.get("open", []))]  # fmt: skip
    body = "".join(
        f"<tr><td>{escape(label)}</td><td>{len(ids)}</td><td>{_ids(ids)}</td></tr>"
        for label, ids in labels
    )
    months = [[m, c.get("on_time", 0), c.get("late", 0), c.get("open", 0)]
              for m, c in d["by_month"].items()]  # fmt: skip
    return (
        f"<table>{body}</table>"
        + _table([_("Type"), _("Received")], ([k, v] for k, v in d["by_type"].items()))
        + _table([_("Month"), _("On time"), _("Late"), _("Open")], months)
        + bar_chart(d["by_month"])
    )


def _retention(s: Section) -> str:
    runs = _h3(_("Runs")) + _generic(s, "runs")
    return runs + _h3(_("Archive destructions")) + _generic(s, "destroyed")


def _check(s: Section) -> str:
    status = _table(
        [_("Check"), _("Result")],
        ([label(k, "check"), v] for k, v in s.data["status"].items()),
    )
    found = _table([_("Level"), _("Check"), _("Finding"), _("Evidence")],
                   ([label(f["level"], "level"), label(f["check"], "check"), f["message"],
                     f["evidence"]]
                    for f in s.data["findings"]))  # fmt: skip
    runs = _table(
        [_("Run"), _("At"), _("Findings")],
        ([f"#{r['id']}", r["run_at"], r["total"]] for r in s.data["trend"]),
    )
    return status + found + _h3(_("Trend")) + runs


def _audit(s: Section) -> str:
    d = s.data
    intact, broken = _("The chain is intact."), _("The chain is broken:")
    verdict = (f'<p class="ok">{escape(intact)}</p>' if d["ok"] else
               f'<p class="late">{escape(broken)} {_e(d["problem"])} '
               f"(#{_e(d['first_broken'])})</p>")  # fmt: skip
    counts = _table([_("Events"), _("Seals")], [[d["events"], d["seals"]]])
    anchor = d.get("anchor")
    if not anchor:
        return verdict + counts
    keep = _("Anchor of the latest seal: keep this page; `garant audit verify --anchor` "
             "checks that nothing it saw was cut.")  # fmt: skip
    names = {"day": _("Day"), "head_seq": _("Last event sealed"), "head_hash": _("Its hash"),
             "key_version": _("Key version"), "mac": _("Seal (MAC)")}  # fmt: skip
    rows = [[words, anchor[name]] for name, words in names.items()]
    return verdict + counts + f"<p>{escape(keep)}</p>" + _table([_("Field"), _("Value")], rows)


RENDERERS: dict[str, Callable[[Section], str]] = {
    "register": _register, "policy_versions": _versions, "security": _security,
    "processors": _processors, "dpias": _dpias, "breaches": _generic, "requests": _requests,
    "retention": _retention, "disclosures": _generic, "records": _generic, "check": _check,
    "audit": _audit,
}  # fmt: skip


def _section(number: int, s: Section) -> str:
    css = ' class="first"' if number == 1 else ""
    head = f'<h2 id="{s.key}"{css}>{number}. {escape(s.title)}</h2>'
    said, none = _("Source:"), _("No records.")
    source = f'<p class="src">{escape(said)} {escape(_source(s.source))}</p>'
    if s.empty:
        return head + source + f'<p class="empty">{escape(none)}</p>'
    return head + source + RENDERERS[s.key](s)


def render(garant: Garant, sections: list[Section], now: datetime, lang: str) -> str:
    title, as_of = _("Accountability dossier"), _("as of")
    note = _("Each figure is followed by the numbers of the records it counts.")
    org = garant.policy.controller.name
    _GARANT.set(garant)
    toc = "".join(f'<li><a href="#{s.key}">{escape(s.title)}</a></li>' for s in sections)
    body = "".join(_section(i, s) for i, s in enumerate(sections, start=1))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} — {escape(org)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(org)} — {escape(as_of)} {_e(now)}</p>"
        f"<p>{escape(note)}</p>"
        f"<ol>{toc}</ol>{body}</body></html>"
    )
