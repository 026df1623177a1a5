"""Erasure of public-task data: an Art. 17(3)(b) assessment, never an objection the person
did not make (issue 17)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from garant.app import Garant
from garant.rights import decisions, intake
from garant.rights.decisions import PUBLIC_TASK_ASSESSMENT
from tests.rights.conftest import DATAMAP, NOW, POLICY, ada, make_school_db

PUBLIC = POLICY.replace(
    "    purposes: [{fr: Gérer les inscriptions, en: Manage registrations}]\n"
    "    legal_basis: contract",
    "    purposes: [{fr: Gérer les inscriptions, en: Manage registrations}]\n"
    "    legal_basis: public_task",
)


def test_public_task_erasure_proposes_an_art_17_3_b_assessment(
    make_garant: Callable[..., Garant], tmp_path: Path
) -> None:
    """GDPR Art. 17(3)(b): erasure does not apply where processing is necessary "for the
    performance of a task carried out in the public interest"; Art. 17(1)(c) needs an
    objection under Art. 21(1), which an erasure request is not. Legitimate-interest data
    is erased as no longer necessary (17(1)(a)), not on an objection."""
    assert PUBLIC != POLICY
    garant = make_garant(policy=PUBLIC, url=f"sqlite:///{tmp_path / 'store.db'}", now=NOW)
    (garant.workspace / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    make_school_db(garant.workspace / "school.db")
    garant.reload()
    with garant.unit_of_work() as uow:
        req, _ = intake.submit(uow=uow, data=ada("erasure"))
        proposals = decisions.propose(uow, req, ["registration", "analytics"])
    by = {p[0]: p for p in proposals}
    assert by["registration"][1:3] == ("keep", "art17_3_b")
    assert by["registration"][3] == PUBLIC_TASK_ASSESSMENT
    assert all(p[2] != "art17_1_c" for p in proposals)
    assert by["analytics"][1:3] == ("erase", "art17_1_a")
