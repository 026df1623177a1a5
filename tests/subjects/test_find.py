"""Discovery in the demo databases, compared with what the generator recorded (AF-D1)."""

from __future__ import annotations

from typing import Any

import pytest

from garant.app import Garant
from garant.subjects.find import traverse
from garant.subjects.rules import Identity
from tests.subjects.conftest import DemoFactory


def found_ids(garant: Garant, identities: list[Identity]) -> tuple[dict[str, set[Any]], ...]:
    result = traverse(garant, identities)
    owned = {r.collection.name: {k[0] for k in r.owned} for r in result.rowsets if r.owned}
    context = {r.collection.name: {k[0] for k in r.context} for r in result.rowsets if r.context}
    return owned, context


def expected(person: dict[str, Any]) -> tuple[dict[str, set[Any]], ...]:
    return (
        {k: set(v) for k, v in person["owned"].items()},
        {k: set(v) for k, v in person["context"].items()},
    )


def assert_matches_truth(garant: Garant, truth: dict[str, Any], kind: str = "email") -> int:
    checked = 0
    for person in truth["persons"]:
        value = person["identities"].get(kind)
        if value is None:
            continue
        assert found_ids(garant, [Identity(kind, value)]) == expected(person), person
        checked += 1
    return checked


@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_af_d1_find_every_person_exactly_on_sqlite(demo: DemoFactory, example: str) -> None:
    """AF-D1: every row the generator made for a person, and nobody else's, is found."""
    garant, truth = demo(example)
    assert assert_matches_truth(garant, truth) == len(truth["persons"])


@pytest.mark.postgres
@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_af_d1_find_on_postgresql(demo: DemoFactory, pg_url: str, example: str) -> None:
    garant, truth = demo(example, pg_url, persons=12)
    assert assert_matches_truth(garant, truth) == len(truth["persons"])


@pytest.mark.mariadb
@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_af_d1_find_on_mariadb(demo: DemoFactory, mariadb_url: str, example: str) -> None:
    garant, truth = demo(example, mariadb_url, persons=12)
    assert assert_matches_truth(garant, truth) == len(truth["persons"])


def test_find_by_member_number_and_phone(demo: DemoFactory) -> None:
    """Other identity kinds reach the learner's rows; the newsletter is keyed by email only."""
    garant, truth = demo("alliance-francaise")
    person = next(p for p in truth["persons"] if "newsletter_subscribers" in p["owned"])
    ids = person["identities"]
    number = Identity("member_number", ids["member_number"])
    owned, _ = found_ids(garant, [number])
    want, _ = expected(person)
    assert owned["learners"] == want["learners"]
    assert "newsletter_subscribers" not in owned
    national = "0" + ids["phone"].removeprefix("+33")
    spaced = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    assert found_ids(garant, [Identity("phone", spaced)])[0]["learners"] == want["learners"]
    both = [number, Identity("email", ids["email"].upper())]
    assert found_ids(garant, both) == expected(person)


def test_def_o1_every_found_record_names_its_entity(demo: DemoFactory) -> None:
    """DEF-O1: each record belongs to an entity of the group, shown on every row found."""
    garant, truth = demo("def-network")
    person = truth["persons"][0]
    result = traverse(garant, [Identity("email", person["identities"]["email"])]).to_dict()
    rows = [row for c in result["collections"] for row in c["owned_rows"]]
    assert rows and all(
        row["entity"] in {"def-network", "def-training", "def-events"} for row in rows
    )


def test_concurrent_discoveries_share_the_connector_safely(demo: DemoFactory) -> None:
    """Web workers run discoveries in parallel threads on the app's one connector."""
    from concurrent.futures import ThreadPoolExecutor

    garant, truth = demo("def-network", persons=16)
    people = [p for p in truth["persons"]] * 3

    def check(person: dict[str, Any]) -> bool:
        return found_ids(garant, [Identity("email", person["identities"]["email"])]) == expected(
            person
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(check, people))


def test_af_d1_one_person_across_two_systems(
    make_garant: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each system is searched with the identities it knows; results come per system."""
    from sqlalchemy import create_engine, text

    from tests.conftest import write_workspace

    urls = {}
    for name, rows in (("crm", "(1, 'Ann@X.example'), (2, 'bob@x.example')"),
                       ("mailer", "(7, 'ann@x.example')")):  # fmt: skip
        urls[name] = f"sqlite:///{tmp_path / (name + '.db')}"
        engine = create_engine(urls[name])
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT)"))
            conn.execute(text(f"INSERT INTO people VALUES {rows}"))
        engine.dispose()
        monkeypatch.setenv(f"{name.upper()}_URL", urls[name])
    collection = (
        "    collections:\n      - name: people\n        primary_key: id\n"
        "        identity: {email: email}\n"
    )
    root = write_workspace(tmp_path / "two")
    (root / "datamap.yaml").write_text(
        "systems:\n"
        + "".join(
            f"  - id: {n}\n    kind: sqlite\n    url_env: {n.upper()}_URL\n{collection}"
            for n in ("crm", "mailer")
        ),
        encoding="utf-8",
    )
    garant = make_garant(name="two")
    found = traverse(garant, [Identity("email", "ann@x.example")])
    assert {(r.system.id, k[0]) for r in found.rowsets for k in r.owned} == {
        ("crm", 1),
        ("mailer", 7),
    }
