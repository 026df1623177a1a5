"""Laying out the dossier as one self-contained HTML page (print CSS for WeasyPrint).

Built with ``html.escape`` rather than a template engine: the domain stays free of
Jinja2, and every value is escaped in one place (``_e``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from garant.accountability.dossier import Section
from garant.i18n import gettext as _

if TYPE_CHECKING:
    from garant.app import Garant

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
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return escape(value.strftime("%Y-%m-%d %H:%M UTC"))
    if isinstance(value, list | tuple):
        return escape(", ".join(str(v) for v in value))
    if isinstance(value, dict):
        return escape(", ".join(f"{k}: {v}" for k, v in value.items()))
    return escape(str(value))


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
    return _table(cols, ([r[k] for k in keys] for r in s.data["rows"]))


def _versions(s: Section) -> str:
    rows = s.data["rows"]
    headers = list(rows[0]) if rows else []
    return _table(headers, ([r.get(h) for h in headers] for r in rows))


def _security(s: Section) -> str:
    out = "<p>" + _("Declared now:") + " " + _e(s.data["current"]) + "</p>"
    hist = [[h["version"], h["measures"]] for h in s.data["history"]]
    return out + _table([_("Version"), _("Measures (strength)")], hist)


def _processors(s: Section) -> str:
    contracts, transfers = [], []
    for p in s.data["rows"]:
        missing: Any = [k for k, v in p["clauses"].items() if not v]
        if p["parent"]:
            missing = _("contract with its processor (Art. 28(4))")
        mechanism = p["mechanism"] or "-"
        if p["scc_module"]:
            mechanism += f" (module {p['scc_module']})"
        for_ = _("for")
        name = (f"#{p['id']} " if p["id"] else "") + p["name"]
        name += f" ({for_} {p['parent']})" if p["parent"] else ""
        name += "" if p["registered"] else " (policy.yaml)"
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
                [f"{a['on']} {a['outcome']}" for a in p["audits"]],
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
    return _table(headers, ([r.get(h) for h in headers] for r in rows))


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
    status = _table([_("Check"), _("Result")], ([k, v] for k, v in s.data["status"].items()))
    found = _table([_("Level"), _("Check"), _("Finding"), _("Evidence")],
                   ([f["level"], f["check"], f["message"], f["evidence"]]
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
    rows = [[name, anchor[name]] for name in ("day", "head_seq", "head_hash", "key_version", "mac")]
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
    label, none = _("Source:"), _("No records.")
    source = f'<p class="src">{escape(label)} {escape(s.source)}</p>'
    if s.empty:
        return head + source + f'<p class="empty">{escape(none)}</p>'
    return head + source + RENDERERS[s.key](s)


def render(garant: Garant, sections: list[Section], now: datetime, lang: str) -> str:
    title, as_of = _("Accountability dossier"), _("as of")
    note = _("Each figure is followed by the numbers of the records it counts.")
    org = garant.policy.controller.name
    toc = "".join(f'<li><a href="#{s.key}">{escape(s.title)}</a></li>' for s in sections)
    body = "".join(_section(i, s) for i, s in enumerate(sections, start=1))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)} — {escape(org)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(org)} — {escape(as_of)} {_e(now)}</p>"
        f"<p>{escape(note)}</p>"
        f"<ol>{toc}</ol>{body}</body></html>"
    )
