"""Collection forms: checking a submission and the information shown beside the form
(AF-C2, DEF-C1, AF-F1; GDPR Art. 13).

A submission missing a mandatory field is refused, naming the field and the consequence
of not answering, in the person's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from garant.errors import InvalidInput
from garant.i18n import gettext as _
from garant.i18n import language
from garant.policy import wording as w
from garant.policy.document import Bullets, Document, Para, Section, Table
from garant.policy.forms_model import Form, FormField

if TYPE_CHECKING:
    from garant.policy.models import Policy


@dataclass(frozen=True)
class FieldProblem:
    field: str
    label: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "message": self.message}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _format_problem(fld: FormField, value: Any, country: str) -> str | None:
    text = str(value).strip()
    if fld.kind == "email":
        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            return _("this is not a valid email address")
    elif fld.kind == "phone":
        try:
            number = phonenumbers.parse(text, country)
        except phonenumbers.NumberParseException:
            return _("this is not a valid phone number")
        if not phonenumbers.is_valid_number(number):
            return _("this is not a valid phone number")
    elif fld.kind == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            return _("this is not a date (YYYY-MM-DD)")
    return None


def check_submission(
    form: Form, data: dict[str, Any], *, lang: str, country: str = "FR"
) -> list[FieldProblem]:
    """Every problem of a submission; empty when it may be accepted."""
    problems: list[FieldProblem] = []
    with language(lang) as lang:
        for fld in form.fields:
            value = data.get(fld.name)
            label = fld.label.get(lang)
            if _blank(value):
                if fld.mandatory:
                    consequence = fld.consequence.get(lang) if fld.consequence else ""
                    problems.append(
                        FieldProblem(
                            fld.name,
                            label,
                            _("{label} is mandatory. {consequence}")
                            .format(label=label, consequence=consequence)
                            .strip(),
                        )
                    )
                continue
            wrong = _format_problem(fld, value, country)
            if wrong:
                problems.append(FieldProblem(fld.name, label, f"{label}: {wrong}"))
        known = {f.name for f in form.fields}
        for extra in sorted(set(data) - known):
            problems.append(
                FieldProblem(
                    extra,
                    extra,
                    _(
                        "{name} is not a field of this form: we collect nothing without a purpose"
                    ).format(name=extra),
                )
            )
    return problems


def validate_submission(policy: Policy, form_id: str, data: dict[str, Any], *, lang: str) -> None:
    """Raise InvalidInput naming each missing or wrong field (AF-C2, DEF-C1)."""
    problems = check_submission(policy.form(form_id), data, lang=lang, country=policy.country)
    if problems:
        raise InvalidInput("\n".join(p.message for p in problems))


def form_notice(policy: Policy, form_id: str, lang: str) -> Document:
    """The information to show beside a form: who, why, what is mandatory (*), rights."""
    form = policy.form(form_id)
    activity = policy.activity(form.activity)
    with language(lang) as lang:
        doc = Document(form.title.get(lang), lang)
        who = policy.entity(activity.entity).name if activity.entity else policy.controller.name
        basis = w.legal_basis(activity.legal_basis)
        doc.intro.append(
            Para(
                _("{who} collects this information to: {purposes}. Legal basis: {basis}.").format(
                    who=who, purposes="; ".join(p.get(lang) for p in activity.purposes), basis=basis
                )
            )
        )
        rows = [
            [
                f.label.get(lang) + (" *" if f.mandatory else ""),
                f.purpose.get(lang) if f.purpose else "—",
                f.consequence.get(lang) if f.consequence else _("optional"),
            ]
            for f in form.fields
        ]
        doc.sections.append(
            Section(
                _("Fields"),
                [
                    Para(_("Fields marked with an asterisk (*) are mandatory.")),
                    Table([_("Field"), _("Purpose"), _("If you do not answer")], rows),
                ],
            )
        )
        if any(f.mandatory and f.legal_nature == "contractual" for f in form.fields):
            doc.sections[-1].blocks.append(
                Para(
                    _(
                        "Providing the mandatory fields is a contractual obligation: they are "
                        "needed to perform the contract or the steps you asked for."
                    )
                )
            )
        if any(f.mandatory and f.legal_nature == "legal" for f in form.fields):
            doc.sections[-1].blocks.append(Para(_("Some mandatory fields are required by law.")))
        doc.sections.append(_form_rights(policy, activity.retention, lang))
        return doc


def _form_rights(policy: Policy, rule_id: str | None, lang: str) -> Section:
    items = []
    if rule_id:
        items.append(
            _("Retention: {text}").format(text=w.retention(policy, policy.retention_rule(rule_id)))
        )
    contact = policy.rights.email if policy.rights and policy.rights.email else None
    items.append(
        _(
            "You may access, rectify or erase your data, object to or restrict its "
            "processing, and ask for a portable copy; write to {contact}."
        ).format(contact=contact or policy.controller.name)
    )
    items.append(_("Full privacy notice: /privacy/notice"))
    if policy.supervisory_authority:
        items.append(
            _("You may complain to the {authority}.").format(
                authority=policy.supervisory_authority.name
            )
        )
    return Section(_("Your rights"), [Bullets(items)])
