"""The third example, a French public body (examples/public-body, the Seine-Maritime MDPH):
it passes `policy check`; its notice and register read in words, in French and English."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from garant.policy.document import to_markdown
from garant.policy.lint import check_policy
from garant.policy.loader import load_policy
from garant.policy.models import Policy
from garant.policy.notice import build_notice
from garant.policy.register import export_register
from tests.conftest import EXAMPLES, write_workspace
from tests.policy.helpers import run

EXAMPLE = EXAMPLES / "public-body"


@pytest.fixture(scope="module")
def mdph() -> Policy:
    return load_policy(EXAMPLE / "policy.yaml")


def _codes(policy: Policy, lang: str) -> set[str]:
    """Every id the policy itself defines or uses: none may reach a reader (in English the
    plain-word ids, "children", are words too: only the snake_case ones are checked)."""
    ids = {k.id for k in policy.subject_kinds} | {e.id for e in policy.events}
    ids |= {a.art9_condition for a in policy.activities if a.art9_condition}
    ids |= {r.id for r in policy.retention_rules} | {r.id for r in policy.recipients}
    plain = {"users", "children", "carers", "received"} if lang == "fr" else set()
    return {i for i in ids if "_" in i or i in plain}


def test_the_three_examples_pass_policy_check(tmp_path: Path) -> None:
    """Issue 17: every example passes `garant policy check` (DEF's seed conflicts aside)."""
    for example in ("alliance-francaise", "public-body"):
        code, out, err = run(
            "policy",
            "check",
            "--workspace",
            str(write_workspace(tmp_path / example, example=example)),
        )
        assert code == 0, (example, out, err)
    dn = load_policy(EXAMPLES / "def-network" / "policy.yaml")
    seed_conflicts = {"archive-below-statute", "archive-not-anonymous"}
    assert {f.code for f in check_policy(dn) if f.severity == "error"} <= seed_conflicts


def test_public_body_is_checked_as_the_law_requires(mdph: Policy) -> None:
    """A public body with its DPO (Art. 37(1)(a)); DPIAs recorded for what Art. 35(3)(b)
    requires (health data of vulnerable persons on a large scale)."""
    assert mdph.controller.kind == "public_body" and mdph.contacts.dpo is not None
    assert check_policy(mdph) == []
    without = mdph.model_copy(
        update={"accountability": mdph.accountability.model_copy(update={"dpias": []})}
    )
    found = [f for f in check_policy(without) if f.code == "dpia-required"]
    assert len(found) == 3 and all(f.severity == "error" for f in found)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_notice_reads_without_a_raw_id(mdph: Policy, lang: str) -> None:
    text = to_markdown(build_notice(mdph, lang))
    for code in _codes(mdph, lang):
        assert not re.search(rf"\b{re.escape(code)}\b", text), (code, lang)
    assert "Code de l'action sociale et des familles, art. L146-3" in text


def test_notice_says_what_the_mdph_says(mdph: Policy) -> None:
    """The original's rights (access, rectification, restriction, complaint), its DPO's
    address, the PCH's retention and the legal representative of a minor."""
    fr = to_markdown(build_notice(mdph, "fr"))
    assert "Droit d'accès" in fr and "Droit de rectification" in fr and "limitation" in fr
    assert "Droit à l'effacement" not in fr and "portabilité" not in fr
    assert "prospection" not in fr and "jamais transmises à un tiers" not in fr
    assert "13 rue Poret de Blosseville" in fr and "dpo-mdph@seinemaritime.fr" in fr
    assert "le décès de la personne, la date de fin de la dernière mesure" in fr
    assert "Représentants légaux" in fr and "Enfants et jeunes en situation de handicap" in fr


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_register_reads_without_a_raw_id(mdph: Policy, lang: str) -> None:
    data = export_register(mdph, "csv", lang=lang).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    body = "\n".join(",".join(r[1:]) for r in rows[1:])  # the reference column is an id
    for code in _codes(mdph, lang):
        assert not re.search(rf"\b{re.escape(code)}\b", body), (code, lang)
    assert "Monsieur le Délégué à la protection des données" in body
