"""datamap.yaml errors name the file, line and column; the examples are valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from garant.datamap.loader import load_datamap
from garant.errors import LocatedError
from garant.policy.loader import load_policy
from tests.conftest import EXAMPLES

BAD = """\
systems:
  - id: crm
    kind: sqlite
    url_env: CRM_URL
    collections:
      - name: customers
        primary_key: id
        fields:
          - {name: email, category: e-mail, label: {fr: Courriel, en: Email}}
        references:
          - {column: address_id, to: adresses, meaning: context}
      - name: orders
        primary_key: id
        erasure: shred
"""


def test_errors_carry_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "datamap.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(LocatedError) as caught:
        load_datamap(path)
    assert "datamap.yaml:14:18" in str(caught.value) and "shred" in str(caught.value)
    path.write_text(BAD.replace("        erasure: shred\n", ""), encoding="utf-8")
    with pytest.raises(LocatedError) as caught:
        load_datamap(path)
    message = str(caught.value)
    assert 'datamap.yaml:9:37: systems[0].collections[0].fields[0].category: "e-mail"' in message
    assert "datamap.yaml:11:38" in message and '"adresses" is not a collection' in message


def test_unknown_key_and_yaml_syntax(tmp_path: Path) -> None:
    path = tmp_path / "datamap.yaml"
    path.write_text("systems:\n  - id: a\n    kind: sqlite\n    url_env: X\n    colour: red\n")
    with pytest.raises(LocatedError, match=r"datamap.yaml:5:\d+: systems\[0\].colour"):
        load_datamap(path)
    path.write_text("systems: [\n")
    with pytest.raises(LocatedError, match="datamap.yaml:2"):
        load_datamap(path)


@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_example_maps_agree_with_their_policy(example: str) -> None:
    policy = load_policy(EXAMPLES / example / "policy.yaml")
    datamap = load_datamap(EXAMPLES / example / "datamap.yaml", policy=policy)
    assert datamap.all_collections()
    activities = {a.id for a in policy.activities}
    assert {c.activity for _, c in datamap.all_collections() if c.activity} <= activities


def test_activity_missing_from_policy_is_located(tmp_path: Path) -> None:
    policy = load_policy(EXAMPLES / "alliance-francaise" / "policy.yaml")
    text = (EXAMPLES / "alliance-francaise" / "datamap.yaml").read_text(encoding="utf-8")
    path = tmp_path / "datamap.yaml"
    path.write_text(text.replace("activity: newsletter", "activity: newsleter", 1))
    with pytest.raises(LocatedError, match='"newsleter" is not an activity of the policy'):
        load_datamap(path, policy=policy)


def test_retention_dates_from_another_collection_must_be_owned_rows(tmp_path: Path) -> None:
    text = """\
systems:
  - id: nl
    kind: sqlite
    url_env: NL_URL
    collections:
      - name: subscribers
        primary_key: id
        erasure: fixed
        retention: {rule: newsletter, dates: {last_click: clicks.clicked_at, other: nowhere.at}}
      - name: clicks
        primary_key: id
"""
    path = tmp_path / "datamap.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LocatedError) as caught:
        load_datamap(path)
    message = str(caught.value)
    assert '"clicks" has no owns reference to subscribers' in message
    assert '"nowhere" is not a collection' in message
    assert "datamap.yaml:8:18: systems[0].collections[0].erasure: fixed needs a value" in message


def test_missing_file_is_an_empty_map(tmp_path: Path) -> None:
    assert load_datamap(tmp_path / "datamap.yaml").systems == []
