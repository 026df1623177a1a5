"""Lint (``garant policy check``): what the law or the policy's own promises forbid."""

from __future__ import annotations

from pathlib import Path

from garant.policy.lint import Finding, check_policy
from garant.policy.loader import parse_policy
from garant.policy.models import Policy
from tests.conftest import EXAMPLES
from tests.policy.helpers import run

HEAD = """\
controller: {name: Test}
rights: {channels: [email], identity_proof: code}
"""


def _activity(**extra: str) -> str:
    lines = {
        "id": "shop",
        "name": "{fr: B, en: Shop}",
        "purposes": "[{fr: V, en: Sell}]",
        "legal_basis": "contract",
        "data_subjects": "[customers]",
        "data_categories": "[contact]",
        "retention": "shop",
    } | extra
    body = "\n".join(f"    {k}: {v}" for k, v in lines.items() if v != "-")
    return "activities:\n  - " + body.lstrip() + "\n"


RULE = "retention_rules:\n  - {id: shop, duration: 3 years, start: collected}\n"


def _codes(text: str, **kwargs: object) -> dict[str, Finding]:
    return {f.code: f for f in check_policy(parse_policy(text), **kwargs)}  # type: ignore[arg-type]


def test_clean_policy_has_no_finding() -> None:
    assert _codes(HEAD + _activity() + RULE) == {}


def test_af_pd1_activity_without_retention_is_an_error() -> None:
    found = _codes(HEAD + _activity(retention="-"))
    assert found["activity-no-retention"].severity == "error"
    assert "AF-PD1" in found["activity-no-retention"].promises


def test_af_l2_consent_activity_without_consent_purpose_is_an_error() -> None:
    found = _codes(HEAD + _activity(legal_basis="consent") + RULE)
    assert found["consent-no-purpose"].severity == "error"


def test_def_r3_electronic_contracts_two_years_is_below_the_consumer_code(dn: Policy) -> None:
    """DEF-R3: the seed's 2 years for electronic contracts >= 120 EUR against L213-1's 10."""
    below = [f for f in check_policy(dn) if f.code == "archive-below-statute"]
    assert len(below) == 1
    text = below[0].message
    assert '"Electronic contracts of 120 euros or more" archives for 2 years' in text
    assert "Code de la consommation, art. L213-1" in text and "requires 10 years" in text
    assert "Garant keeps the records 10 years" in text
    assert below[0].promises == ["DEF-R3"]


def test_def_r5_an_invoice_archive_cannot_be_anonymous(dn: Policy) -> None:
    """DEF-R5: the seed says archives are anonymous; invoices keep the client's identity."""
    found = [f for f in check_policy(dn) if f.code == "archive-not-anonymous"]
    rules = {f.message.split('"')[1] for f in found}  # named by their labels, not ids
    assert {"Billing documents", "Business contracts", "Order management"} <= rules
    assert "Banking records" in rules
    assert all("cannot be anonymous" in f.message for f in found)
    assert all(f.severity == "error" and f.promises == ["DEF-R5"] for f in found)


def test_def_c4_art9_data_where_the_policy_says_none() -> None:
    text = (
        HEAD
        + "special_categories: {processed: false}\n"
        + _activity(data_categories="[contact, health]")
        + RULE
    )
    found = _codes(text)
    assert found["art9-declared-none"].promises == ["DEF-C4"]
    assert found["art9-no-condition"].severity == "error"
    allowed = (
        HEAD
        + "special_categories: {processed: true}\n"
        + _activity(data_categories="[contact, health]", art9_condition="explicit_consent")
        + RULE
    )
    assert _codes(allowed) == {}


def test_af_t1_transfer_without_safeguard_is_an_error() -> None:
    transfer = "[{country: IN, recipient: Support desk, mechanism: none}]"
    found = _codes(HEAD + _activity(transfers=transfer) + RULE)
    assert found["transfer-no-safeguard"].severity == "error"
    with_scc = "[{country: IN, recipient: Support desk, mechanism: scc, scc_module: 2}]"
    assert _codes(HEAD + _activity(transfers=with_scc) + RULE) == {}
    to_japan = (
        "[{country: JP, recipient: Office, mechanism: adequacy, within_adequacy_scope: true}]"
    )
    assert _codes(HEAD + _activity(transfers=to_japan) + RULE) == {}


def test_af_t1_system_hosted_outside_the_promised_country(af: Policy) -> None:
    found = [
        f
        for f in check_policy(af, systems=[("crm", "FR"), ("mailer", "US")])
        if f.code == "hosting-outside"
    ]
    assert len(found) == 1 and "system mailer is hosted in US" in found[0].message
    assert found[0].promises == ["AF-T1"]


def test_af_s1_processors_while_the_policy_says_nobody_else_receives(af: Policy) -> None:
    """AF-S1: a processor is a recipient too (Art. 4(9)); a warning, not an error."""
    found = [f for f in check_policy(af) if f.code == "exclusive-but-processors"]
    assert found and found[0].severity == "warning" and "Art. 4(9)" in found[0].message


def test_af_pd1_form_field_without_purpose_and_unneeded_field() -> None:
    form = """\
forms:
  - id: f
    activity: shop
    title: {fr: F, en: F}
    fields:
      - {name: email, label: {fr: E, en: E}, category: contact}
      - {name: salary, label: {fr: S, en: S}, category: financial, purpose: {fr: x, en: x}}
"""
    found = _codes(HEAD + _activity() + RULE + form)
    assert found["field-no-purpose"].severity == "error"
    assert found["field-unneeded"].severity == "warning"


def test_def_d2_identity_document_for_every_request_is_a_warning(dn: Policy) -> None:
    """DEF-D2: the EDPB calls systematic copies disproportionate."""
    found = [f for f in check_policy(dn) if f.code == "identity-document-always"]
    assert found[0].severity == "warning" and "EDPB" in found[0].message


def test_def_sec2_security_measure_removed_or_weakened(dn: Policy) -> None:
    """DEF-SEC2: no change of security means may lower the level."""
    weaker = dn.model_copy(deep=True)
    weaker.security_measures = [m for m in weaker.security_measures if m.id != "vpn"]
    weaker.security_measures[0].strength = 1
    found = [f for f in check_policy(weaker, previous=dn) if f.code.startswith("security")]
    assert {f.code for f in found} == {"security-removed", "security-weakened"}
    assert all(f.promises == ["DEF-SEC2"] for f in found)
    replaced = dn.model_copy(deep=True)
    wifi = replaced.security_measures[-1].model_copy(
        update={"id": "wifi_wpa3", "replaces": "wifi", "strength": 5}
    )
    replaced.security_measures[-1] = wifi
    assert [f for f in check_policy(replaced, previous=dn) if f.code.startswith("security")] == []


def test_af_r4_cookie_kept_longer_than_thirteen_months() -> None:
    cookies = """\
cookie_policy: {consent_lifetime: 13 months, categories: [{id: a, label: {fr: A, en: A}, description: {fr: A, en: A}}]}
cookies:
  - {name: _ga, category: a, purpose: {fr: x, en: x}, lifetime: 2 years}
"""  # noqa: E501
    found = _codes(HEAD + _activity() + RULE + cookies)
    assert found["cookie-too-long"].severity == "error"


def test_af_x2_reply_deadline_beyond_one_month() -> None:
    late = "identity_proof: code, deadlines: {reply: 2 months}"
    text = HEAD.replace("identity_proof: code", late)
    found = _codes(text + _activity() + RULE)
    assert found["deadline-too-long"].promises == ["AF-X2"]


def test_cli_check_exit_codes_and_file_lines(af_ws: Path, def_ws: Path) -> None:
    code, out, _ = run("policy", "check", "--workspace", str(af_ws))
    assert code == 0 and "0 error(s)" in out and "warning: sharing:" in out
    assert "element(s) marked assumed: true" in out
    code, out, _ = run("policy", "check", "--workspace", str(def_ws))
    assert code == 1
    line = next(x for x in out.splitlines() if "archive-below" in x or "L213-1" in x)
    expected_line = _line_of(EXAMPLES / "def-network" / "policy.yaml", "duration: 2 years")
    assert line.startswith(f"policy.yaml:{expected_line}:")


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)
