"""The example workspaces' demo databases: made where the map points, seeded, recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from garant.app import Garant
from garant.demo import build_demo_data
from garant.demo.generate import generate_database
from garant.errors import InvalidInput
from garant.subjects.find import traverse
from garant.subjects.rules import Identity
from garant.workspace import create_workspace


@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_demo_database_is_built_inside_the_workspace_and_found(
    tmp_path: Path, example: str
) -> None:
    root = create_workspace(tmp_path / "ws", example=example, demo=True)
    garant = Garant.open(root)
    try:
        build_demo_data(garant, example, persons=20)
        database = root / "demo" / f"{example}.db"
        truth = json.loads((root / "demo" / f"{example}.truth.json").read_text())
        assert database.is_file() and len(truth["persons"]) >= 20
        person = truth["persons"][-1]
        found = traverse(garant, [Identity("email", person["identities"]["email"])])
        owned = {r.collection.name: sorted(k[0] for k in r.owned) for r in found.rowsets if r.owned}
        assert owned == {k: sorted(v) for k, v in person["owned"].items()}
    finally:
        garant.close()


def test_generator_is_seeded_and_sized(tmp_path: Path) -> None:
    first = generate_database("def-network", f"sqlite:///{tmp_path / 'a.db'}", persons=8, seed=3)
    again = generate_database("def-network", f"sqlite:///{tmp_path / 'b.db'}", persons=8, seed=3)
    other = generate_database("def-network", f"sqlite:///{tmp_path / 'c.db'}", persons=8, seed=4)
    assert first == again and first != other
    customers = [p for p in first["persons"] if "customers" in p["owned"]]
    assert len(customers) == 8
    shared = {}
    for person in customers:
        for company in person["context"]["companies"]:
            shared.setdefault(company, []).append(person["identities"]["email"])
    assert any(len(people) > 1 for people in shared.values())  # shared rows on purpose


def test_unknown_example_and_bad_size(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no demo database"):
        generate_database("nowhere", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(InvalidInput, match="at least 1"):
        generate_database("def-network", f"sqlite:///{tmp_path / 'x.db'}", persons=0)


def test_cli_demo_db_at_a_chosen_size_with_its_record(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from garant.cli.main import build_app

    truth = tmp_path / "truth.json"
    result = CliRunner().invoke(
        build_app(),
        [
            "datamap",
            "demo-db",
            "--example",
            "alliance-francaise",
            "--persons",
            "40",
            "--seed",
            "9",
            "--url",
            f"sqlite:///{tmp_path / 'af.db'}",
            "--truth",
            str(truth),
        ],  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    record = json.loads(truth.read_text())
    assert record["seed"] == 9 and sum("learners" in p["owned"] for p in record["persons"]) == 40
