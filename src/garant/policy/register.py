"""The register of processing activities (GDPR Art. 30(1)) in the CNIL's columns.

One row per activity, headings in French by default (the CNIL's "registre RGPD
basique"), English with ``lang="en"``; CSV, XLSX (an organization sheet and a register
sheet) or JSON. Retention is given per category of data; "sensitive: yes" names the
categories (DEF-A1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from garant.i18n import current_language, language
from garant.i18n import gettext as _
from garant.policy import wording as w
from garant.policy.activity_model import Activity
from garant.policy.taxonomy import CATEGORIES, GROUP_LABELS, RegisterGroup
from garant.policy.transfers import transfers as all_transfers

if TYPE_CHECKING:
    from garant.policy.models import Policy

FORMATS = ("csv", "xlsx", "json")
MEASURE_COLUMNS = {
    "access_control": ("access_control", "authentication", "physical"),
    "traceability": ("traceability",),
    "software_protection": ("software_protection", "network"),
    "backup": ("backup",),
    "encryption": ("encryption",),
    "processor_control": ("processor_control",),
    "other": ("organizational", "other"),
}


def _columns() -> list[tuple[str, str]]:
    """(key, heading) of each column, in the CNIL template's order."""
    cols = [
        ("reference", _("Reference")),
        ("controller", _("Controller")),
        ("dpo", _("Data protection officer")),
        ("entity", _("Entity")),
        ("name", _("Name of the processing")),
        ("created", _("Date created")),
        ("updated", _("Date updated")),
        ("joint_controller", _("Joint controller")),
        ("system", _("Software or system used")),
        ("main_purpose", _("Main purpose")),
        ("sub_purposes", _("Sub-purposes")),
        ("legal_basis", _("Legal basis")),
        ("art9_condition", _("Art. 9 condition")),
        ("data_subjects", _("Categories of persons concerned")),
    ]
    cols += [
        (f"data_{g.value}", GROUP_LABELS[g][0 if current_language() == "fr" else 1])
        for g in RegisterGroup
    ]
    cols += [
        ("sensitive", _("Sensitive data")),
        ("retention", _("Retention periods")),
        ("recipients_internal", _("Internal recipients")),
        ("recipients_external", _("External organizations")),
        ("processors", _("Processors")),
        ("transfers", _("Transfers outside the EU")),
    ]
    cols += [(f"security_{k}", _security_heading(k)) for k in MEASURE_COLUMNS]
    return cols


def _security_heading(key: str) -> str:
    return {
        "access_control": _("Security: access control"),
        "traceability": _("Security: traceability"),
        "software_protection": _("Security: software protection"),
        "backup": _("Security: backups"),
        "encryption": _("Security: encryption"),
        "processor_control": _("Security: control of processors"),
        "other": _("Security: other measures"),
    }[key]


def _row(policy: Policy, a: Activity, lang: str) -> dict[str, str]:
    row = {
        "reference": a.id,
        "controller": _controller_line(policy),
        "dpo": _dpo_line(policy),
        "entity": policy.entity(a.entity).name if a.entity else policy.controller.name,
        "name": a.name.get(lang),
        "created": a.created.isoformat() if a.created else "",
        "updated": a.updated.isoformat() if a.updated else "",
        "joint_controller": a.joint_controller.name if a.joint_controller else _("none"),
        "system": a.system or "",
        "main_purpose": a.purposes[0].get(lang),
        "sub_purposes": "; ".join(p.get(lang) for p in a.purposes[1:]),
        "legal_basis": w.legal_basis(a.legal_basis)
        + (f" — {a.legitimate_interest.get(lang)}" if a.legitimate_interest else "")
        + (f" ({w.references(a.legal_references)})" if a.legal_references else ""),
        "art9_condition": w.art9_condition(a.art9_condition),
        "data_subjects": w.subjects(a.data_subjects, policy),
    }
    for group in RegisterGroup:
        cats = [
            c
            for c in a.data_categories
            if CATEGORIES[c].group == group and not CATEGORIES[c].sensitive
        ]
        row[f"data_{group.value}"] = "; ".join(w.category(c) for c in cats)
    sensitive = [w.category(c) for c in a.data_categories if CATEGORIES[c].sensitive]
    row["sensitive"] = (
        _("yes: {categories}").format(categories=", ".join(sensitive)) if sensitive else _("no")
    )
    row["retention"] = " | ".join(_retention_of(policy, a, c) for c in a.data_categories)
    row.update(_recipients(policy, a, lang))
    row.update(_security(policy, a, lang))
    return row


def _controller_line(policy: Policy) -> str:
    """GDPR Art. 30(1)(a): the name and contact details of the controller, on every row so
    that the CSV (one table) carries them too."""
    c = policy.controller
    return ", ".join(x for x in (c.name, c.address, c.email, c.phone) if x)


def _dpo_line(policy: Policy) -> str:
    """GDPR Art. 30(1)(a): "and, where applicable, ... the data protection officer"."""
    dpo = policy.contacts.dpo
    if dpo is None:
        return _("none designated")
    return ", ".join(x for x in (dpo.name, dpo.organization, dpo.address, dpo.email) if x)


def _retention_of(policy: Policy, a: Activity, category: str) -> str:
    rule_id = a.retention_for(category)
    text = w.retention(policy, policy.retention_rule(rule_id)) if rule_id else _("not set")
    return f"{w.category(category)}: {text}"


def _recipients(policy: Policy, a: Activity, lang: str) -> dict[str, str]:
    recips = [policy.recipient(r) for r in a.recipients]
    internal = [r.label.get(lang) for r in recips if r.kind == "internal"]
    external = [r.label.get(lang) for r in recips if r.kind in ("external", "authority")]
    processors = [
        f"{p.name} ({p.service.get(lang)})" for p in (policy.processor(i) for i in a.processors)
    ]
    transfers = [
        f"{t.recipient}, {w.country(t.country)}, {w.mechanism(t.mechanism)}"
        + (f" ({t.url})" if t.url else "")
        + (f" [{t.via}]" if t.via else "")
        for t in all_transfers(policy, [a])
    ]
    return {
        "recipients_internal": "; ".join(internal),
        "recipients_external": "; ".join(external),
        "processors": "; ".join(processors),
        "transfers": "; ".join(transfers) or _("none"),
    }


def _security(policy: Policy, a: Activity, lang: str) -> dict[str, str]:
    measures = [policy.security_measure(m) for m in a.security_measures]
    out = {}
    for key, categories in MEASURE_COLUMNS.items():
        out[f"security_{key}"] = "; ".join(
            m.label.get(lang) for m in measures if m.category in categories
        )
    if a.processors and not out["security_processor_control"]:
        out["security_processor_control"] = _("Art. 28 contracts with every processor")
    return out


def register_rows(
    policy: Policy, *, entity: str | None = None, lang: str = "fr"
) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    """The columns (key, heading) and one row per activity, in ``lang``."""
    with language(lang) as lang:
        activities = policy.activities_of(entity)
        return _columns(), [_row(policy, a, lang) for a in activities]


def organization(policy: Policy, lang: str = "fr") -> list[tuple[str, str]]:
    """The register's first sheet: the organization, its head, representative and DPO."""
    with language(lang):
        c, dpo = policy.controller, policy.contacts.dpo or policy.contacts.committee
        rows = [
            (_("Organization"), c.name),
            (_("Address"), c.address or ""),
            (_("Phone"), c.phone or ""),
            (_("Email"), c.email or ""),
            (_("Person in charge"), c.head.name if c.head else ""),
            (_("Representative"), c.representative.name if c.representative else _("none")),
            (
                _("Data protection officer"),
                ", ".join(
                    x for x in (dpo.name, dpo.organization, dpo.address, dpo.phone, dpo.email) if x
                )
                if dpo
                else "",
            ),
        ]
        rows += [(_("Entity"), f"{e.id}: {e.name}") for e in c.entities]
        return rows


def export_register(
    policy: Policy, fmt: str, *, entity: str | None = None, lang: str = "fr"
) -> bytes:
    if fmt not in FORMATS:
        from garant.errors import InvalidInput

        raise InvalidInput(f'unknown format "{fmt}" (choose from {", ".join(FORMATS)})')
    columns, rows = register_rows(policy, entity=entity, lang=lang)
    writers: dict[str, Callable[..., bytes]] = {"csv": _csv, "xlsx": _xlsx, "json": _json}
    return writers[fmt](policy, columns, rows, lang)


def _csv(
    policy: Policy, columns: list[tuple[str, str]], rows: list[dict[str, str]], lang: str
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([h for _k, h in columns])
    for row in rows:
        writer.writerow([row[k] for k, _h in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads accents


def _xlsx(
    policy: Policy, columns: list[tuple[str, str]], rows: list[dict[str, str]], lang: str
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    with language(lang):
        org = book.active
        assert org is not None
        org.title = _("Organization")[:31]
        for label, value in organization(policy, lang):
            org.append([label, value])
        sheet = book.create_sheet(_("Register")[:31])
    sheet.append([h for _k, h in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([row[k] for k, _h in columns])
    sheet.freeze_panes = "B2"
    for row in rows:  # and, as in the CNIL template, one sheet per activity
        detail = book.create_sheet(_sheet_name(row["reference"], book.sheetnames))
        for key, heading in columns:
            detail.append([heading, row[key]])
        detail.column_dimensions["A"].width = 40
        detail.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(reference: str, taken: list[str]) -> str:
    """Excel sheet names: at most 31 characters, unique, none of []:*?/\\."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in reference)[:28]
    name, n = base, 2
    while name in taken:
        name, n = f"{base}~{n}", n + 1
    return name


def _json(
    policy: Policy, columns: list[tuple[str, str]], rows: list[dict[str, str]], lang: str
) -> bytes:
    data: dict[str, Any] = {
        "organization": [{"label": k, "value": v} for k, v in organization(policy, lang)],
        "columns": [{"key": k, "heading": h} for k, h in columns],
        "activities": rows,
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
