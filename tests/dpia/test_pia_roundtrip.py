"""DPIA screening and the CNIL PIA tool's JSON, in and out."""

from __future__ import annotations

import json
from pathlib import Path

from garant.app import Garant
from tests.accountability.cli import run_cli


def _a(
    ref: int, text: str | None = None, gauge: int | None = None, items: list[str] | None = None
) -> dict:  # type: ignore[type-arg]
    return {"pia_id": 7, "reference_to": ref, "data": {"text": text, "gauge": gauge,
            "list": items or []}}  # fmt: skip


# An example in the PIA tool's export format (LINCnil/pia: pia, answers by question
# number, measures, evaluations, comments), built for this test.
PIA_EXAMPLE = {
    "pia": {
        "id": 7, "name": "Learner portal", "category": "registration", "status": 3,
        "author_name": "Anne Auteur", "evaluator_name": "Eric Evaluateur",
        "validator_name": "Valérie Valideuse", "dpos_names": "DPO AF",
        "dpo_status": 1, "dpo_opinion": "Acceptable with the action plan.",
        "people_names": "Learners' panel", "concerned_people_searched_opinion": True,
        "concerned_people_status": 1, "concerned_people_opinion": "Agreed.",
        "created_at": "2026-01-05T10:00:00.000Z", "updated_at": "2026-01-20T10:00:00.000Z",
    },
    "answers": [
        _a(111, text="Online registration"),
        _a(121, text="Name, email, level"),
        _a(212, text="Contract"),
        _a(227, text="No transfer"),
        _a(321, items=["Spam", "Identity theft"]),
        _a(322, items=["Stolen password"]),
        _a(323, items=["External attacker"]),
        _a(324, items=["Encryption"]),
        _a(325, text="Contact data only", gauge=2),
        _a(326, text="MFA in place", gauge=3),
        _a(345, text="Backups", gauge=3),
        _a(346, text="Single site", gauge=3),
    ],
    "measures": [{"id": 1, "pia_id": 7, "title": "Encryption", "content": "AES-GCM at rest"}],
    "evaluations": [],
    "comments": [],
}  # fmt: skip


def _cli(garant: Garant, *args: str) -> tuple[int, str]:
    return run_cli(garant, *args)


def _semantic(document: dict) -> dict:  # type: ignore[type-arg]
    answers = {
        a["reference_to"]: (a["data"]["text"] or "", a["data"]["gauge"], a["data"]["list"])
        for a in document["answers"]
        if a["data"]["text"] or a["data"]["gauge"] or a["data"]["list"]
    }
    keep = ("name", "status", "author_name", "evaluator_name", "validator_name", "dpos_names",
            "dpo_status", "dpo_opinion", "people_names", "concerned_people_status",
            "concerned_people_opinion", "concerned_people_searched_opinion")  # fmt: skip
    pia = {k: document["pia"].get(k) for k in keep}
    measures = [(m["title"], m["content"]) for m in document["measures"]]
    return {"pia": pia, "answers": answers, "measures": measures}


def test_af_a1_pia_tool_example_round_trips(garant: Garant, tmp_path: Path) -> None:
    """AF-A1: a DPIA made with the CNIL PIA tool comes in and goes out unchanged."""
    source = tmp_path / "pia.json"
    source.write_text(json.dumps(PIA_EXAMPLE), encoding="utf-8")
    code, out = _cli(garant, "dpia", "import", str(source), "--activity", "registration")
    assert code == 0, out
    code, out = _cli(garant, "dpia", "list", "--json")
    [dpia] = json.loads(out)
    assert dpia["status"] == "validated"
    assert dpia["risks"]["illegitimate_access"]["severity"] == 2
    assert dpia["risks"]["disappearance"]["high"] is True
    assert dpia["prior_consultation"] is True  # Art. 36: a residual risk stays high
    target = tmp_path / "out.json"
    code, out = _cli(garant, "dpia", "export", str(dpia["id"]), "--out", str(target))
    assert code == 0, out
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert _semantic(exported) == _semantic(PIA_EXAMPLE)


def test_dpia_screening_two_criteria_presume_a_dpia(garant: Garant) -> None:
    """AF-A1: two EDPB criteria presume a DPIA; an exception needs its reason."""
    code, out = _cli(garant, "dpia", "screen", "Newsletter", "--criterion", "evaluation_scoring",
                     "--json")  # fmt: skip
    assert json.loads(out)["required"] is False
    code, out = _cli(garant, "dpia", "screen", "Scoring", "--criterion", "evaluation_scoring",
                     "--criterion", "large_scale", "--json")  # fmt: skip
    assert json.loads(out)["required"] is True
    code, out = _cli(garant, "dpia", "screen", "Scoring bis", "--criterion", "evaluation_scoring",
                     "--criterion", "large_scale", "--exception", "Reasoned: same as DPIA 2",
                     "--json")  # fmt: skip
    assert json.loads(out)["required"] is False
    code, out = _cli(garant, "dpia", "screen", "Badge", "--cnil", "employee_monitoring",
                     "--exception", "no", "--json")  # fmt: skip
    assert json.loads(out)["required"] is True
    code, out = _cli(garant, "dpia", "screen", "X", "--criterion", "astrology")
    assert code == 2 and "astrology" in out


def test_pia_import_errors_are_clear(garant: Garant, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"pia": {"name": "x"}, "answers": [{"reference_to": 999, "data": {}}]}')
    code, out = _cli(garant, "dpia", "import", str(bad))
    assert code == 2 and "999" in out and "Traceback" not in out
    bad.write_text("{not json")
    code, out = _cli(garant, "dpia", "import", str(bad))
    assert code == 2 and f"{bad}:1:2" in out


ASSESSMENT = """\
context: {overview: Scoring of prospects, data: "Company, contact, purchases"}
principles: {legal_basis: Legitimate interests, retention: 3 years}
risks:
  illegitimate_access: {impacts: [Spam], threats: [Phishing], sources: [Attacker],
                        measures: [MFA], severity: 2, likelihood: 2}
  unwanted_change: {severity: 1, likelihood: 1}
  disappearance: {severity: 3, likelihood: 3, severity_note: Single copy}
measures: [{title: MFA, content: Two factors for every account}]
validation: {author: A, evaluator: B, validator: C, decision: validated}
"""


def test_af_a1_dpia_assessed_after_the_cnil_method(garant: Garant, tmp_path: Path) -> None:
    """AF-A1: the three risks with severity and likelihood, measures, validation, Art. 36."""
    code, out = _cli(garant, "dpia", "screen", "Scoring", "--criterion", "evaluation_scoring",
                     "--criterion", "large_scale", "--json")  # fmt: skip
    dpia_id = json.loads(out)["id"]
    source = tmp_path / "assessment.yaml"
    source.write_text(ASSESSMENT, encoding="utf-8")
    code, out = _cli(garant, "dpia", "assess", str(dpia_id), str(source))
    assert code == 0, out
    assert "validated" in out and "prior consultation needed" in out
    code, out = _cli(garant, "dpia", "list", "--json")
    [dpia] = json.loads(out)
    assert dpia["risks"]["disappearance"]["high"] is True
    assert dpia["risks"]["illegitimate_access"]["high"] is False
    source.write_text("risks: {illegitimate_access: {severity: 9}}", encoding="utf-8")
    code, out = _cli(garant, "dpia", "assess", str(dpia_id), str(source))
    assert code == 2 and "severity" in out
