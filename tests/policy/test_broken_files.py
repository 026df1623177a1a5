"""Broken policy files: each error names file:line:col, the key path and what was
expected; exit code 2 and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_workspace
from tests.policy.helpers import run

BASE = """\
controller:
  name: Test
activities:
  - id: shop
    name: {fr: Boutique, en: Shop}
    purposes: [{fr: Vendre, en: Selling}]
    legal_basis: contract
    data_subjects: [customers]
    data_categories: [contact]
    retention: shop
retention_rules:
  - id: shop
    duration: 3 years
    start: collected
"""

ACTIVITY_2 = """\
  - id: shop
    name: {fr: B, en: B}
    purposes: [{fr: V, en: S}]
    legal_basis: contract
    data_subjects: [customers]
    data_categories: [contact]
    retention: shop
retention_rules:"""
FORM = """\
forms:
  - id: f
    activity: shop
    title: {fr: F, en: F}
    fields:
      - {name: email, label: {fr: E, en: E}, category: contact, mandatory: true, legal_nature: contractual}
retention_rules:"""  # noqa: E501
PROCESSOR = """\
processors:
  - id: p
    name: P
    service: {fr: S, en: S}
    countries: [US]
    transfer: sccs
retention_rules:"""

# (replace this, with that, expected message)
CASES = {
    "duration_typo": (
        "    duration: 3 years",
        "    duration: 14 monts",
        'policy.yaml:13:15: retention_rules[0].duration: "14 monts" is not a '
        'duration (examples: "30 minutes", "14 months", "3 years")',
    ),
    "legal_basis_unknown": (
        "    legal_basis: contract",
        "    legal_basis: consentement",
        'policy.yaml:7:18: activities[0].legal_basis: "consentement" is '
        "not allowed: input should be 'consent', 'contract'",
    ),
    "misspelt_key": (
        "    purposes: [",
        "    purpose: [",
        "policy.yaml:6:5: activities[0].purpose: is not a known key here (check the spelling)",
    ),
    "unknown_category": (
        "[contact]",
        "[shoe_size]",
        'policy.yaml:9:5: activities[0].data_categories: "shoe_size" is not a data category',
    ),
    "unknown_subject": (
        "[customers]",
        "[aliens]",
        'policy.yaml:8:21: activities[0].data_subjects[0]: "aliens" is not a '
        "category of persons of the policy (known: agents, applicants,",
    ),
    "unknown_rule": (
        "    retention: shop",
        "    retention: shopping",
        'policy.yaml:10:16: activities[0].retention: "shopping" is not a '
        "retention rule of the policy (known: shop)",
    ),
    "interest_unstated": (
        "    legal_basis: contract",
        "    legal_basis: legitimate_interests",
        "policy.yaml:7:18: activities[0].legal_basis: legitimate_interests "
        "needs legitimate_interest: the interest pursued",
    ),
    "yaml_syntax": (
        "    purposes: [{fr: Vendre, en: Selling}]",
        "    purposes: [{fr: Vendre, en: Selling}",
        "policy.yaml:7:5: YAML: expected ',' or ']', but got '<scalar>'",
    ),
    "duplicate_key": (
        "    retention: shop",
        "    retention: shop\n    retention: shop",
        'policy.yaml:11:5: YAML: found duplicate key "retention"',
    ),
    "start_overlap": (
        "    start: collected",
        "    start: {latest: [collected], ignored: [collected]}",
        "policy.yaml:14:5: retention_rules[0].start: an event cannot both count "
        "and be ignored: collected",
    ),
    "hold_unknown": (
        "    start: collected",
        "    start: collected\n    held_while: [forever]",
        'policy.yaml:15:18: retention_rules[0].held_while[0]: "forever" is not '
        "allowed: input should be 'open_contract'",
    ),
    "statute_unknown": (
        "    start: collected",
        "    start: collected\n    archive: {duration: 5 years, statute: code_napoleon}",
        "policy.yaml:15:43: retention_rules[0].archive.statute: "
        '"code_napoleon" is not a statute of the policy (known: civil_code_2224',
    ),
    "promise_malformed": (
        "  - id: shop\n    name",
        "  - id: shop\n    promises: [af-r1]\n    name",
        'policy.yaml:5:16: activities[0].promises[0]: "af-r1" is not a promise ID (e.g. AF-R2)',
    ),
    "controller_name_missing": (
        "  name: Test\n",
        "  legal_form: SA\n",
        "policy.yaml:1:1: controller.name: is required but missing",
    ),
    "group_without_entities": (
        "  name: Test\n",
        "  name: Test\n  kind: group\n",
        "policy.yaml:1:1: controller: a group controller lists its entities (at least one)",
    ),
    "duplicate_activity": (
        "retention_rules:",
        ACTIVITY_2,
        'policy.yaml:11:9: activities[1].id: "shop" is used twice in activities',
    ),
    "field_without_consequence": (
        "retention_rules:",
        FORM,
        "policy.yaml:16:9: forms[0].fields[0]: a mandatory field "
        "needs consequence: what happens without it",
    ),
    "processor_mechanism": (
        "retention_rules:",
        PROCESSOR,
        'policy.yaml:16:15: processors[0].transfer: "sccs" is not allowed',
    ),
    "label_missing_english": (
        "{fr: Boutique, en: Shop}",
        "{fr: Boutique}",
        "policy.yaml:5:5: activities[0].name.en: is required but missing",
    ),
    "country_code": (
        "retention_rules:",
        "hosting: {country: France}\nretention_rules:",
        'policy.yaml:11:20: hosting.country: "France" is not a country code',
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_policy_names_file_line_and_path(case: str, tmp_path: Path) -> None:
    old, new, expected = CASES[case]
    assert old in BASE
    ws = write_workspace(tmp_path / case, policy=BASE.replace(old, new, 1))
    code, out, err = run("policy", "check", "--workspace", str(ws))
    said = " ".join(err.split())  # the console wraps long lines
    assert code == 2
    assert expected in said
    assert "Traceback" not in err + out


def test_the_unbroken_base_loads(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ok", policy=BASE)
    code, out, _err = run("policy", "check", "--workspace", str(ws))
    assert code == 1  # it loads; lint then says there is no rights procedure
    assert "no-rights" not in out and "how people exercise their rights" in out


def test_a_missing_policy_file_is_a_located_error(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "none", policy=BASE)
    (ws / "policy.yaml").unlink()
    code, _out, err = run("policy", "check", "--workspace", str(ws))
    assert code == 2 and "policy.yaml:1:1: file not found" in err


def test_an_empty_policy_file_says_so(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "empty", policy="# nothing\n")
    code, _out, err = run("policy", "check", "--workspace", str(ws))
    assert code == 2 and "policy.yaml:1:1: the file is empty" in err
