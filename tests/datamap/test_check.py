"""``datamap check``: a drafted map checks clean; each kind of drift is reported, exit 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.datamap.check import Finding, check_datamap
from garant.datamap.models import DataMap
from tests.conftest import write_workspace
from tests.datamap.test_infer import Shop, build_shop, draft_of


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Shop:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    else:
        url = str(
            request.getfixturevalue("pg_url" if request.param == "postgres" else "mariadb_url")
        )
    return build_shop(url, customers=20)


def alter(shop: Shop, *statements: str) -> None:
    engine = create_engine(shop.url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def drift(findings: list[Finding]) -> dict[tuple[str, str | None], str]:
    return {(f.collection, f.column): f.message for f in findings if f.level == "drift"}


def test_a_drafted_map_checks_clean(shop: Shop) -> None:
    _, datamap, _ = draft_of(shop)
    assert drift(check_datamap(datamap)) == {}


def test_renamed_and_dropped_things_are_drift(shop: Shop) -> None:
    _, datamap, _ = draft_of(shop)
    alter(
        shop,
        "ALTER TABLE customers RENAME COLUMN email TO email_address",
        "DROP TABLE order_lines",
    )
    found = drift(check_datamap(datamap))
    assert found[("customers", "email")] == (
        'column "email" is not in table customers (did you mean "email_address"?)'
    )
    assert found[("order_lines", None)] == 'table "order_lines" is not in the database'


def test_new_personal_column_and_new_table_pointing_at_the_person_are_drift(shop: Shop) -> None:
    _, datamap, _ = draft_of(shop)
    alter(
        shop,
        "ALTER TABLE customers ADD COLUMN backup_email VARCHAR(120)",
        "UPDATE customers SET backup_email = email",
        "CREATE TABLE loyalty_cards (id INTEGER PRIMARY KEY, customer_id INTEGER "
        "REFERENCES customers (id), points INTEGER)",
        # A catalogue table pointing at a context row (a product) is nobody's data.
        "CREATE TABLE product_tags (id INTEGER PRIMARY KEY, product_id INTEGER "
        "REFERENCES products (id))",
    )
    found = drift(check_datamap(datamap))
    assert found[("customers", "backup_email")].startswith(
        "column backup_email is not in the map and looks like contact"
    )
    assert (
        "20 of 20 sampled values are valid email addresses" in found[("customers", "backup_email")]
    )
    assert found[("customers", None)] == (
        "table loyalty_cards points at customers through customer_id but is not in the map: "
        "its rows may be the person's"
    )
    assert not any("product_tags" in message for message in found.values())


def test_identity_column_that_no_longer_holds_emails_is_drift(shop: Shop) -> None:
    _, datamap, _ = draft_of(shop)
    alter(shop, "UPDATE customers SET email = 'unknown'")
    message = drift(check_datamap(datamap))[("customers", "email")]
    assert message.startswith("identity email: the sampled values no longer look like email")
    assert "0 of 20 sampled values are valid email addresses" in message


def test_primary_key_and_reference_types_are_compared(tmp_path: Path) -> None:
    shop = build_shop(f"sqlite:///{tmp_path / 'shop.db'}", customers=10)
    _, datamap, text_ = draft_of(shop)
    edited = text_.replace("primary_key: id\n", "primary_key: email\n", 1)
    edited = edited.replace(
        "          - column: address_id  # declared foreign key\n            to: addresses\n"
        "            to_column: id",
        "          - column: address_id  # declared foreign key\n            to: addresses\n"
        "            to_column: street",
        1,
    )
    from garant.sourcefile import parse_document, validate_document

    changed = validate_document(parse_document(edited, "datamap.yaml"), DataMap)
    findings = check_datamap(changed)
    found = drift(findings)
    assert found[("customers", None)] == (
        "primary key in the map (email) differs from the database's (id)"
    )
    assert any(
        "reference address_id -> addresses: integer cannot hold street" in m for m in found.values()
    )


def test_url_option_checks_another_copy_of_one_system(tmp_path: Path) -> None:
    shop = build_shop(f"sqlite:///{tmp_path / 'shop.db'}", customers=5)
    _, datamap, _ = draft_of(shop)
    other = build_shop(f"sqlite:///{tmp_path / 'other.db'}", customers=5)
    findings = check_datamap(datamap, system="shop", url=other.url)
    assert drift(findings) == {}
    from garant.errors import InvalidInput

    with pytest.raises(InvalidInput, match="--url needs --system"):
        check_datamap(datamap, url=other.url)


# --- the commands, run as a user runs them ------------------------------------------
GARANT = [sys.executable, "-m", "garant"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GARANT_TEST_SESSION_SECRET": "s" * 40}
    return subprocess.run(
        [*GARANT, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def test_infer_then_check_on_the_command_line(tmp_path: Path, pg_url: str) -> None:
    """DEF-C4: the command warns when the policy declares no Art. 9 data but the scan finds
    some; the draft is written once, checked clean, then drift exits 1."""
    shop = build_shop(pg_url, customers=15)
    ws = write_workspace(tmp_path / "ws")
    (ws / "policy.yaml").write_text(
        "controller:\n  name: Shop\ntimezone: Europe/Paris\ncountry: FR\n"
        "processes_special_categories: false\n",
        encoding="utf-8",
    )
    out = ws / "datamap.yaml"
    done = run(
        "datamap",
        "infer",
        "-w",
        str(ws),
        "--system",
        "shop",
        "--url",
        pg_url,
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "person table: customers" in done.stderr
    assert "DEF-C4" in done.stderr and "customers.health_notes" in done.stderr
    written = out.read_text(encoding="utf-8")
    assert "meaning: owns" in written and "url_env: GARANT_SHOP_URL" in written

    again = run(
        "datamap",
        "infer",
        "-w",
        str(ws),
        "--system",
        "shop",
        "--url",
        pg_url,
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert again.returncode == 2 and "already exists (give --force" in again.stderr
    assert "Traceback" not in again.stderr and out.read_text(encoding="utf-8") == written

    clean = run("datamap", "check", "-w", str(ws), cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "the map matches the live database" in clean.stdout

    alter(shop, "ALTER TABLE payments RENAME COLUMN card_number TO pan")
    drifted = run("datamap", "check", "-w", str(ws), "--json", cwd=tmp_path)
    assert drifted.returncode == 1, drifted.stderr
    report = json.loads(drifted.stdout)
    assert report["drift"] == 2  # the mapped column is gone; the new one looks like a card
    columns = {f["column"] for f in report["findings"] if f["level"] == "drift"}
    assert columns == {"card_number", "pan"}

    garant = Garant.open(ws)
    with garant.unit_of_work() as uow:
        events = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        actions = [(e.action, e.object_id) for e in events if e.action.startswith("datamap.")]
        details = [e.details for e in events if e.action == "datamap.checked"]
    garant.close()
    assert actions[0] == ("datamap.inferred", "shop")
    assert ("datamap.checked", "*") in actions
    assert details[-1]["drift"] == 2
    assert "@" not in json.dumps(details)  # counts, never a value


def test_bad_url_and_unknown_person_table_are_clear_errors(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws")
    bad = run("datamap", "infer", "-w", str(ws), "--system", "x", "--url", "nodb://", cwd=tmp_path)
    assert bad.returncode == 2 and "not a database URL" in bad.stderr
    assert "Traceback" not in bad.stderr
    db = tmp_path / "shop.db"
    build_shop(f"sqlite:///{db}", customers=3)
    wrong = run(
        "datamap",
        "infer",
        "-w",
        str(ws),
        "--system",
        "x",
        "--url",
        f"sqlite:///{db}",
        "--person",
        "clients",
        cwd=tmp_path,
    )
    assert wrong.returncode == 2 and "--person clients: no such table" in wrong.stderr


def notes(findings: list[Finding]) -> dict[tuple[str, str | None], str]:
    return {(f.collection, f.column): f.message for f in findings if f.level == "note"}


def test_lookups_no_index_serves_are_noted_not_drift(shop: Shop) -> None:
    """An owns reference or an identity without an index makes every discovery scan the
    table: said as a note (MariaDB indexes every foreign key itself)."""
    _, datamap, _ = draft_of(shop)
    found = check_datamap(datamap)
    before = notes(found)
    if shop.kind != "mysql":
        assert before[("orders", "customer_id")] == (
            "owns reference: no index starts with customer_id: each discovery scans orders"
        )
    assert before[("customers", "email")] == (
        "identity email: no index starts with email: each discovery scans customers"
    )
    alter(
        shop,
        "CREATE INDEX orders_customer ON orders (customer_id)",
        "CREATE INDEX customers_email ON customers (email)",
    )
    after = notes(check_datamap(datamap))
    assert ("orders", "customer_id") not in after and ("customers", "email") not in after
    assert drift(found) == {}


def test_partition_without_the_index_is_named(pg_url: str) -> None:
    shop = build_shop(pg_url, customers=6)
    alter(shop, "CREATE INDEX events_2025_customer ON events_2025 (customer_id)")
    _, datamap, _ = draft_of(shop)
    message = notes(check_datamap(datamap))[("events", "customer_id")]
    assert message == (
        "owns reference: partition(s) events_2026 of events have no index starting with "
        "customer_id: each discovery scans them"
    )


def test_infer_json_carries_every_proposal_with_its_evidence(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    build_shop(f"sqlite:///{db}", customers=8)
    ws = write_workspace(tmp_path / "ws")
    done = run(
        "datamap",
        "infer",
        "-w",
        str(ws),
        "--system",
        "shop",
        "--url",
        f"sqlite:///{db}",
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    draft = json.loads(done.stdout)
    assert draft["person_tables"] == ["customers"]
    customers = next(c for c in draft["collections"] if c["name"] == "customers")
    email = next(f for f in customers["fields"] if f["name"] == "email")
    assert (email["category"], email["kind"], email["confidence"]) == ("contact", "email", "high")
    assert "8 of 8 sampled values are valid email addresses (email-validator)" in email["evidence"]
    payments = next(c for c in draft["collections"] if c["name"] == "payments")
    by_column = {tuple(r["column"]): r for r in payments["references"]}
    assert by_column[("order_id",)]["meaning"] == "context"
    assert by_column[("customer_id",)]["meaning"] == "owns"
    assert draft["special_columns"][0]["categories"] == ["health"]
