"""Import and export of the CNIL PIA tool's JSON (https://github.com/LINCnil/pia).

The tool exports ``{"pia": {...}, "answers": [...], "measures": [...], "evaluations":
[...], "comments": [...]}``. Each answer refers to a question of the tool's fixed
structure by number (``reference_to``): 111-123 context, 211-227 fundamental principles,
3x1-3x6 the three risks (impacts, threats, sources, measures as lists; severity and
likelihood as a text with a ``gauge`` from 1 to 4), x = 2 illegitimate access, 3 unwanted
modification, 4 disappearance. Validation lives on the ``pia`` object.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from garant.dpia.models import Dpia
from garant.dpia.schemas import DpiaAssessment
from garant.errors import InvalidInput, first_error

CONTEXT_QUESTIONS = {
    111: "overview",
    112: "responsibilities",
    113: "standards",
    121: "data",
    122: "lifecycle",
    123: "supports",
}
PRINCIPLE_QUESTIONS = {
    211: "purposes",
    212: "legal_basis",
    213: "minimisation",
    214: "accuracy",
    215: "retention",
    221: "information",
    222: "consent",
    223: "access_portability",
    224: "rectification_erasure",
    225: "restriction_objection",
    226: "processors",
    227: "transfers",
}
RISK_SECTIONS = {2: "illegitimate_access", 3: "unwanted_change", 4: "disappearance"}
RISK_LISTS = {1: "impacts", 2: "threats", 3: "sources", 4: "measures"}
RISK_GAUGES = {5: "severity", 6: "likelihood"}
VALIDATION_FIELDS = {
    "author_name": "author",
    "evaluator_name": "evaluator",
    "validator_name": "validator",
    "dpos_names": "dpo_names",
    "dpo_status": "dpo_status",
    "dpo_opinion": "dpo_opinion",
    "people_names": "people_names",
    "concerned_people_searched_opinion": "people_searched",
    "concerned_people_status": "people_status",
    "concerned_people_opinion": "people_opinion",
}
# The tool's statuses: 0 started, 1 to correct, 2 refused, 3 simple validation, 4 signed.
STATUS_TO_DECISION = {1: "to_correct", 2: "rejected", 3: "validated", 4: "validated"}
DECISION_TO_STATUS = {"": 0, "to_correct": 1, "rejected": 2, "validated": 3}


def _risk_answer(ref: int, data: dict[str, Any], risks: dict[str, dict[str, Any]]) -> bool:
    section, item = divmod(ref - 300, 10)
    name = RISK_SECTIONS.get(section)
    if name is None:
        return False
    risk = risks.setdefault(name, {})
    if item in RISK_LISTS:
        risk[RISK_LISTS[item]] = [str(v) for v in data.get("list") or []]
        return True
    if item in RISK_GAUGES:
        key = RISK_GAUGES[item]
        risk[key] = data.get("gauge") or None
        risk[f"{key}_note"] = data.get("text") or ""
        return True
    return False


def _read_answers(answers: list[dict[str, Any]]) -> dict[str, Any]:
    context: dict[str, str] = {}
    principles: dict[str, str] = {}
    risks: dict[str, dict[str, Any]] = {}
    for index, answer in enumerate(answers):
        try:
            ref = int(answer["reference_to"])
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(
                f"answers[{index}]: reference_to is missing or not a number"
            ) from None
        data = answer.get("data") or {}
        if ref in CONTEXT_QUESTIONS:
            context[CONTEXT_QUESTIONS[ref]] = data.get("text") or ""
        elif ref in PRINCIPLE_QUESTIONS:
            principles[PRINCIPLE_QUESTIONS[ref]] = data.get("text") or ""
        elif not _risk_answer(ref, data, risks):
            raise InvalidInput(f"answers[{index}]: question {ref} is not in the PIA structure")
    return {"context": context, "principles": principles, "risks": risks}


def parse_pia(text: str, *, source: str = "PIA file") -> tuple[str, DpiaAssessment]:
    """Read a PIA tool export: the DPIA's title and its assessment."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not isinstance(document, dict) or not isinstance(document.get("pia"), dict):
        raise InvalidInput(f'{source}: not a PIA tool export (no "pia" object)')
    pia = document["pia"]
    parts = _read_answers(document.get("answers") or [])
    validation = {ours: pia[theirs] for theirs, ours in VALIDATION_FIELDS.items() if theirs in pia}
    for key in (
        "author",
        "evaluator",
        "validator",
        "dpo_names",
        "dpo_opinion",
        "people_names",
        "people_opinion",
    ):
        if key in validation and validation[key] is None:
            validation[key] = ""
    validation["people_searched"] = bool(validation.get("people_searched"))
    validation["decision"] = STATUS_TO_DECISION.get(int(pia.get("status") or 0), "")
    measures = [
        {"title": m.get("title") or "", "content": m.get("content") or ""}
        for m in document.get("measures") or []
    ]
    try:
        assessment = DpiaAssessment.model_validate(
            parts | {"measures": measures, "validation": validation}
        )
    except ValidationError as exc:
        where, what = first_error(exc)
        raise InvalidInput(f"{source}: {where}: {what}") from None
    return str(pia.get("name") or "Imported PIA"), assessment


def _answer(
    pia_id: int,
    ref: int,
    *,
    text: str | None = None,
    gauge: int | None = None,
    items: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "pia_id": pia_id,
        "reference_to": ref,
        "data": {"text": text, "gauge": gauge, "list": items or []},
    }


def _risk_answers(dpia: Dpia) -> list[dict[str, Any]]:
    out = []
    for section, name in RISK_SECTIONS.items():
        risk = (dpia.risks or {}).get(name)
        if not risk:
            continue
        base = 300 + section * 10
        for item, key in RISK_LISTS.items():
            out.append(_answer(dpia.id, base + item, items=list(risk.get(key) or [])))
        for item, key in RISK_GAUGES.items():
            out.append(
                _answer(
                    dpia.id, base + item, text=risk.get(f"{key}_note") or "", gauge=risk.get(key)
                )
            )
    return out


def export_pia(dpia: Dpia) -> dict[str, Any]:
    """The DPIA in the PIA tool's format, ready for its import."""
    validation = dpia.validation or {}
    pia: dict[str, Any] = {
        "id": dpia.id,
        "name": dpia.title,
        "category": dpia.activity or "",
        "status": DECISION_TO_STATUS.get(validation.get("decision", ""), 0),
        "is_example": 0,
        "is_archive": 0,
        "structure_id": "",
        "created_at": dpia.created_at.isoformat(),
        "updated_at": dpia.updated_at.isoformat(),
    }
    for theirs, ours in VALIDATION_FIELDS.items():
        if ours in validation:
            pia[theirs] = validation[ours]
    answers = (
        [
            _answer(dpia.id, ref, text=(dpia.context or {}).get(key, ""))
            for ref, key in CONTEXT_QUESTIONS.items()
            if key in (dpia.context or {})
        ]
        + [
            _answer(dpia.id, ref, text=(dpia.principles or {}).get(key, ""))
            for ref, key in PRINCIPLE_QUESTIONS.items()
            if key in (dpia.principles or {})
        ]
        + _risk_answers(dpia)
    )
    for number, answer in enumerate(answers, start=1):
        answer["id"] = number
    measures = [
        {
            "id": number,
            "pia_id": dpia.id,
            "title": m.get("title", ""),
            "content": m.get("content", ""),
        }
        for number, m in enumerate(dpia.measures or [], start=1)
    ]
    return {"pia": pia, "answers": answers, "measures": measures, "evaluations": [], "comments": []}
