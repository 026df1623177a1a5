"""Versions of the policy (DEF-V1): publish, list, diff; shown in the privacy center;
lint compares security with the last published version (DEF-SEC2)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from garant.app import Garant
from garant.audit.service import recent_events
from garant.errors import Conflict
from garant.policy import versions
from garant.policy.service import run_check
from garant.store.uow import Actor
from garant.web.app import create_app
from tests.policy.helpers import run

DPO = Actor("staff", "dpo@def.example", "dpo")


def _edit(garant: Garant, old: str, new: str) -> None:
    text = garant.policy_path.read_text(encoding="utf-8")
    assert old in text
    garant.policy_path.write_text(text.replace(old, new, 1), encoding="utf-8")
    garant.reload()


def test_def_v1_publish_records_number_date_hash_and_diff(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant(example="def-network")
    with garant.unit_of_work(DPO) as uow:
        first = versions.publish(uow=uow, path=garant.policy_path, note="initial")
        assert (first.number, first.diff, first.published_by) == (1, "", "staff:dpo@def.example")
        assert first.published_at == uow.now() and len(first.sha256) == 64
    _edit(
        garant,
        "duration: 13 months\n    start: collected",
        "duration: 12 months\n    start: collected",
    )
    with garant.unit_of_work(DPO) as uow:
        second = versions.publish(uow=uow, path=garant.policy_path)
        assert second.number == 2
        assert (
            "-    duration: 13 months" in second.diff and "+    duration: 12 months" in second.diff
        )
        assert [c.as_dict() for c in versions.changes_of(second)] == [
            {"section": "retention_rules", "id": "audience", "change": "changed"}
        ]
        events = recent_events(uow.session, action="policy.published")
        assert [e["object_id"] for e in events] == ["2", "1"]


def test_def_v1_publishing_an_unchanged_policy_is_refused(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant(example="alliance-francaise")
    with garant.unit_of_work(DPO) as uow:
        versions.publish(uow=uow, path=garant.policy_path)
    with (
        pytest.raises(Conflict, match="unchanged since version 1"),
        garant.unit_of_work(DPO) as uow,
    ):
        versions.publish(uow=uow, path=garant.policy_path)


def test_def_v1_cli_publish_versions_diff(make_garant: Callable[..., Garant]) -> None:
    garant = make_garant(example="def-network")
    ws = str(garant.workspace)
    code, out, _ = run("policy", "publish", "--workspace", ws, "--note", "first", "--yes")
    assert code == 0 and "published version 1" in out
    _edit(garant, "{id: vpn,", "{id: vpn_v2,")
    _edit(garant, "authorizations, vpn, wifi]", "authorizations, vpn_v2, wifi]")
    args = ("policy", "publish", "--workspace", ws, "--actor", "dpo@def.example", "--yes")
    code, out, _ = run(*args)
    assert code == 0 and "added: security_measures vpn_v2" in out
    code, out, _ = run("policy", "versions", "--workspace", ws, "--json")
    rows = json.loads(out)
    assert [r["number"] for r in rows] == [2, 1] and rows[1]["note"] == "first"
    code, out, _ = run("policy", "diff", "1", "2", "--workspace", ws)
    assert code == 0 and "removed: security_measures vpn" in out and "+  - {id: vpn_v2," in out
    code, _, err = run("policy", "diff", "1", "9", "--workspace", ws)
    assert code == 2 and "no published policy version 9" in err
    code, _, err = run("policy", "publish", "--workspace", ws, "--yes")
    assert code == 2 and "unchanged" in err


def test_def_sec2_check_compares_with_the_published_version(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant(example="def-network")
    with garant.unit_of_work(DPO) as uow:
        versions.publish(uow=uow, path=garant.policy_path)
    assert not [f for f in run_check(garant) if f.code.startswith("security")]
    _edit(
        garant,
        "VPN pour les connexions à distance, en: VPN for remote connections}, strength: 4}",
        "VPN pour les connexions à distance, en: VPN for remote connections}, strength: 2}",
    )
    found = [f for f in run_check(garant) if f.code.startswith("security")]
    assert [f.code for f in found] == ["security-weakened"]
    assert found[0].where.startswith("policy.yaml:")


def test_def_v1_privacy_center_shows_versions_and_changes(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant(example="def-network")
    with garant.unit_of_work(DPO) as uow:
        versions.publish(uow=uow, path=garant.policy_path, note="Première version")
    _edit(garant, "  - id: questions", "  - id: questions_v2")
    with garant.unit_of_work(DPO) as uow:
        versions.publish(uow=uow, path=garant.policy_path, note="Questions renamed")
    client = TestClient(create_app(garant))
    page = client.get("/privacy/policy/versions?lang=fr")
    assert page.status_code == 200
    assert "Version n° 2" in page.text and "Version n° 1" in page.text
    assert "ajouté: activités de traitement <code>questions_v2</code>" in page.text
    assert "Questions renamed" in page.text
    one = client.get("/privacy/policy/versions/2?lang=en")
    assert "+  - id: questions_v2" in one.text
    assert client.get("/privacy/policy/versions/7").status_code == 404
    notice = client.get("/privacy/notice?lang=en")
    assert "Published version 2, on 2 March 2026." in notice.text
