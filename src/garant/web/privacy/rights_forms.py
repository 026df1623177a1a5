"""The privacy center's request form, fitted to each right: what each right needs from the
person, asked in their words, checked before the request is opened.

Rectification (Art. 16) names the data and the correct value; restriction (Art. 18(1))
one of its four grounds; objection (Art. 21) the activities, and for processing based on
legitimate or public interest the person's particular situation (Art. 21(1); none is
needed against direct marketing, Art. 21(2)-(3)); portability (Art. 20) the format and,
if the person wants it, the organization to send it to (Art. 20(2)).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from garant.app import Garant
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.rights import policy_view
from garant.rights.rules import RequestType, RestrictionGround

CHANGES = 3
"""Rows of "data to correct / correct value" offered at once."""

# English msgids, translated when the page is rendered
RIGHTS: dict[str, tuple[str, str]] = {
    "access": ("Get a copy of my data", "Which data we hold about you, why, and for how long."),
    "portability": (
        "Take my data elsewhere",
        "The data you gave us, in a file a computer can read, or sent to another organization.",
    ),
    "rectification": ("Correct my data", "Tell us which data is wrong and the correct value."),
    "erasure": ("Delete my data", "We delete what we are not required by law to keep."),
    "restriction": (
        "Freeze the use of my data",
        "We keep your data but stop using it while a question is settled.",
    ),
    "objection": ("Object to a use of my data", "We stop a use of your data you object to."),
    "withdrawal": ("Withdraw a consent", "We stop what you had agreed to."),
}
GROUNDS: dict[str, str] = {
    RestrictionGround.ACCURACY_CONTESTED: "You contest the accuracy of your data, while we "
    "check it (Art. 18(1)(a))",
    RestrictionGround.UNLAWFUL_NO_ERASURE: "The use of your data is unlawful but you want it "
    "kept rather than deleted (Art. 18(1)(b))",
    RestrictionGround.LEGAL_CLAIMS: "We no longer need your data but you need it for a legal "
    "claim (Art. 18(1)(c))",
    RestrictionGround.OBJECTION_PENDING: "You have objected to a use of your data and wait "
    "for our answer (Art. 18(1)(d))",
}
FORMATS = {"json": "JSON (for software)", "csv": "CSV (for a spreadsheet)"}


@dataclass
class Parsed:
    """What the form gave: the request's fields, or errors by field name (translated)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _lang_label(labels: Any, lang: str) -> str:
    return str(labels.get(lang)) if labels is not None else ""


def correctable(garant: Garant, lang: str) -> list[tuple[str, str]]:
    """Every field of the data map a person may ask to correct, as (value, label)."""
    try:
        datamap = garant.datamap
    except GarantError:  # a workspace without a data map: staff read the free text
        return []
    choices = []
    for system, coll in datamap.all_collections():
        if coll.exclude is not None or coll.shared:
            continue
        heading = _lang_label(coll.label, lang) or coll.name
        for spec in coll.fields:
            if spec.exclude is None and not spec.third_party:
                label = (
                    f"{heading} : {spec.label.get(lang)}"
                    if lang == "fr"
                    else (f"{heading}: {spec.label.get(lang)}")
                )
                choices.append((f"{system.id}.{coll.name}.{spec.name}", label))
    return choices


def objectable(garant: Garant, lang: str) -> list[tuple[str, str, bool]]:
    """Activities a person may object to (Art. 21): (id, name, is direct marketing)."""
    policy = garant.policy
    marketing = policy_view.prospecting_activities(policy)
    return [
        (view.id, view.name(lang), view.id in marketing)
        for view in policy_view.activities(policy)
        if view.id in marketing or view.legal_basis in ("legitimate_interests", "public_task")
    ]


def consents(garant: Garant, lang: str) -> list[tuple[str, str]]:
    return [
        (purpose.id, _lang_label(purpose.label, lang) or purpose.id)
        for purpose in garant.policy.consent_purposes
    ]


def choices(garant: Garant, lang: str) -> dict[str, Any]:
    """Everything the form template offers, in the page's language."""
    return {
        "rights": RIGHTS,
        "grounds": GROUNDS,
        "formats": FORMATS,
        "correctable": correctable(garant, lang),
        "objectable": objectable(garant, lang),
        "consents": consents(garant, lang),
        "change_rows": range(1, CHANGES + 1),
    }


def _changes(form: Mapping[str, Any], allowed: set[str], parsed: Parsed) -> None:
    changes: dict[str, str] = {}
    for row in range(1, CHANGES + 1):
        name = str(form.get(f"change_field_{row}") or "").strip()
        value = str(form.get(f"change_value_{row}") or "").strip()
        if name and name not in allowed:
            parsed.errors[f"change_field_{row}"] = _("Choose the data to correct in the list.")
        elif name and not value:
            parsed.errors[f"change_value_{row}"] = _("Give the correct value.")
        elif value and not name:
            parsed.errors[f"change_field_{row}"] = _("Choose the data to correct in the list.")
        elif name:
            changes[name] = value
    if not changes and not parsed.errors:
        parsed.errors["change_field_1"] = _("Say which data is wrong and give the correct value.")
    parsed.values["changes"] = changes


def _objection(form: Any, garant: Garant, lang: str, parsed: Parsed) -> None:
    offered = {a: marketing for a, _name, marketing in objectable(garant, lang)}
    chosen = [a for a in form.getlist("activities") if a in offered]
    if not chosen:
        parsed.errors["activities"] = _("Choose the use of your data you object to.")
    grounds = str(form.get("grounds") or "").strip()
    if any(not offered[a] for a in chosen) and not grounds:
        parsed.errors["grounds"] = _(
            "Tell us about your particular situation: the law asks for it when you object to "
            "a use based on our legitimate interest (not for marketing)."
        )
    parsed.values |= {
        "activities": chosen,
        "prospecting": bool(chosen) and all(offered[a] for a in chosen),
        "grounds": grounds or None,
    }


def _portability(form: Mapping[str, Any], parsed: Parsed) -> None:
    chosen = str(form.get("export_format") or "json")
    if chosen not in FORMATS:
        parsed.errors["export_format"] = _("Choose a format in the list.")
    destination = str(form.get("destination_url") or "").strip()
    if destination and not destination.startswith("https://"):
        parsed.errors["destination_url"] = _(
            "Give the address (starting with https://) the other organization gave you, "
            "or leave it empty to download the file yourself."
        )
    parsed.values |= {"export_format": chosen, "destination_url": destination or None}


def parse(form: Any, right: str, garant: Garant, lang: str) -> Parsed:
    """The request's right-specific fields from the posted form (``form.getlist`` for
    multiple choices), each error beside the field it concerns."""
    parsed = Parsed()
    if right == RequestType.RECTIFICATION:
        _changes(form, {value for value, _label in correctable(garant, lang)}, parsed)
    elif right == RequestType.RESTRICTION:
        ground = str(form.get("restriction_ground") or "")
        if ground not in GROUNDS:
            parsed.errors["restriction_ground"] = _("Choose the reason for the freeze.")
        else:
            parsed.values["restriction_ground"] = RestrictionGround(ground)
    elif right == RequestType.OBJECTION:
        _objection(form, garant, lang, parsed)
    elif right == RequestType.PORTABILITY:
        _portability(form, parsed)
    elif right == RequestType.WITHDRAWAL:
        offered = {value for value, _label in consents(garant, lang)}
        parsed.values["activities"] = [p for p in form.getlist("activities") if p in offered]
    return parsed
