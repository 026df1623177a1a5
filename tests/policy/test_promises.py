"""Every promise of promises.md is kept by an element of its organization's example, and
removing that element makes ``garant policy promises`` report the ID as unkept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from garant.policy.promises import CATALOG, load_catalog, promise_report
from garant.sourcefile import load_document
from tests.conftest import EXAMPLES, REPO, write_workspace
from tests.policy.helpers import run

SHARED = REPO.parent / "shared" / "promises.md"  # beside the repository, when present
ORGS = {"AF": "alliance-francaise", "DEF": "def-network"}
CATALOG_IDS = sorted(load_catalog())


def test_the_packaged_catalog_is_the_shared_one() -> None:
    if SHARED.exists():
        assert load_catalog(SHARED) == load_catalog(CATALOG)
    assert len(CATALOG_IDS) == 38 + 31


@pytest.mark.parametrize("prefix", sorted(ORGS))
def test_no_promise_id_is_missing_from_the_examples(prefix: str) -> None:
    doc = load_document(EXAMPLES / ORGS[prefix] / "policy.yaml")
    report = promise_report(doc, prefix=prefix, tests_dir=REPO / "tests")
    expected = {pid for pid in CATALOG_IDS if pid.startswith(prefix + "-")}
    assert {s.promise.id for s in report} == expected
    assert [s.promise.id for s in report if not s.kept] == []
    assert all(k.line > 0 for s in report for k in s.kept_by)


def _remove_tagged(node: Any, pid: str) -> int:
    """Delete every mapping that carries ``pid`` in its promises; how many were removed."""
    removed = 0
    if isinstance(node, CommentedMap):
        for key in list(node):
            child = node[key]
            if isinstance(child, CommentedMap) and pid in (child.get("promises") or []):
                del node[key]
                removed += 1
            else:
                removed += _remove_tagged(child, pid)
    elif isinstance(node, CommentedSeq):
        for i in reversed(range(len(node))):
            child = node[i]
            if isinstance(child, CommentedMap) and pid in (child.get("promises") or []):
                del node[i]
                removed += 1
            else:
                removed += _remove_tagged(child, pid)
    return removed


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("promises")
    return {p: write_workspace(root / p, example=org) for p, org in ORGS.items()}


@pytest.mark.parametrize("pid", CATALOG_IDS)
def test_removing_the_tagged_element_makes_the_promise_unkept(
    pid: str, workspaces: dict[str, Path], tmp_path: Path
) -> None:
    prefix = pid.split("-")[0]
    ws = workspaces[prefix]
    yaml = YAML(typ="rt")
    original = (ws / "policy.yaml").read_text(encoding="utf-8")
    data = yaml.load(original)
    assert _remove_tagged(data, pid) >= 1
    broken = tmp_path / "policy.yaml"
    with broken.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    try:
        (ws / "policy.yaml").write_text(broken.read_text(encoding="utf-8"), encoding="utf-8")
        code, out, _ = run(
            "policy",
            "promises",
            "--workspace",
            str(ws),
            "--prefix",
            prefix,
            "--tests",
            str(tmp_path),
            "--json",
        )
    finally:
        (ws / "policy.yaml").write_text(original, encoding="utf-8")
    rows = {r["id"]: r for r in json.loads(out[: out.rindex("]") + 1])}
    assert code == 1
    assert rows[pid]["kept"] is False and rows[pid]["kept_by"] == []


def test_cli_lists_every_id_with_its_element_and_tests(workspaces: dict[str, Path]) -> None:
    """AF-R2 is kept by the newsletter rule and named by this feature's tests."""
    code, out, _ = run(
        "policy",
        "promises",
        "--workspace",
        str(workspaces["AF"]),
        "--tests",
        str(REPO / "tests"),
        "--json",
    )
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    assert set(rows) == {pid for pid in CATALOG_IDS if pid.startswith("AF-")}
    newsletter = [k for k in rows["AF-R2"]["kept_by"] if k["element"] == "newsletter"]
    assert newsletter and newsletter[0]["at"].startswith("policy.yaml:")
    assert any("tests/policy/test_retention_rules.py" in t for t in rows["AF-R2"]["tests"])
