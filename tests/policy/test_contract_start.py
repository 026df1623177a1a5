"""Code de la consommation L213-1, D213-1, D213-2: the ten years of an electronic contract
of 120 euros or more run from the delivery of the good or the performance of the service,
or from the conclusion only when the delivery is immediate (D213-2). ``policy check``
checks the start event of a rule citing them (garant.policy.lint_contract_start)."""

from __future__ import annotations

from pathlib import Path

from garant.i18n import language
from garant.policy.lint import Finding, check_policy
from garant.policy.loader import load_policy, parse_policy, policy_from_document
from garant.sourcefile import load_document

HEAD = """\
controller: {name: Test}
rights: {channels: [email], identity_proof: code}
events:
  - {id: livraison, label: {fr: la livraison de la commande, en: the delivery of the order}}
retention_rules:
  - id: contracts
    duration: 1 year
    start: START
    archive: {duration: 10 years, statute: consumer_code_l213_1, fields: [purchases]}
    then: delete
"""


def _finding(start: str, text: str = HEAD) -> Finding | None:
    found = [
        f
        for f in check_policy(parse_policy(text.replace("START", start)))
        if f.code == "consumer-contract-start"
    ]
    assert len(found) <= 1
    return found[0] if found else None


def test_d213_2_start_at_the_delivery_or_the_end_of_the_contract_passes() -> None:
    for start in ("delivered", "ended", "{latest: [ordered, delivered]}", "livraison"):
        assert _finding(start) is None, start


def test_d213_2_start_at_the_conclusion_is_a_warning() -> None:
    """Right only when the delivery or the performance is immediate (D213-2)."""
    found = _finding("ordered")
    assert found is not None and found.severity == "warning"
    assert "D213-2" in found.message and found.path == ("retention_rules", 0, "start")
    with language("fr"):
        fr = _finding("signed")
    assert fr is not None and "ne courent à compter de sa conclusion" in fr.message


def test_d213_start_at_collection_is_an_error_and_a_legal_reference_counts() -> None:
    """A start that is neither delivery nor conclusion could destroy the contract before
    its ten years: an error. A rule citing D213-1 in its legal references is checked even
    without the built-in statute."""
    found = _finding("collected")
    assert found is not None and found.severity == "error"
    cited = HEAD.replace(
        "    archive: {duration: 10 years, statute: consumer_code_l213_1, fields: [purchases]}\n",
        "    legal_references: [{text: Code de la consommation, article: art. D213-1}]\n",
    )
    found = _finding("last_login", cited)
    assert found is not None and found.severity == "error"
    plain = cited.replace("art. D213-1", "art. L221-5")
    assert _finding("last_login", plain) is None, "a rule that does not cite D213 is left alone"


def test_d213_finding_has_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(HEAD.replace("START", "collected"), encoding="utf-8")
    doc = load_document(path)
    policy = policy_from_document(doc)
    found = [f for f in check_policy(policy, doc=doc) if f.code == "consumer-contract-start"]
    assert len(found) == 1 and found[0].where is not None
    assert found[0].where == "policy.yaml:8:12", "line 8: the rule's start"


def test_the_def_network_electronic_contracts_start_at_the_end_of_the_contract() -> None:
    """DEF-R3: electronic contracts ≥ 120 EUR start at the end of the contract (after the
    performance): no finding."""
    from tests.conftest import EXAMPLES

    policy = load_policy(EXAMPLES / "def-network" / "policy.yaml")
    assert not [f for f in check_policy(policy) if f.code == "consumer-contract-start"]
