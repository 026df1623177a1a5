"""Migrations build the whole schema from an empty database on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from garant.store.engine import Store
from garant.store.migrate import downgrade, is_current, upgrade
from garant.store.models import metadata


def test_migrations_from_empty_equal_the_models(store_url: str) -> None:
    store = Store(store_url)
    try:
        upgrade(store)
        assert is_current(store)
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        tables = set(inspect(store.engine).get_table_names())
        assert {t.name for t in metadata.sorted_tables} <= tables
    finally:
        store.dispose()


def test_downgrade_to_empty_then_upgrade_again(store_url: str) -> None:
    store = Store(store_url)
    try:
        upgrade(store)
        downgrade(store, "base")
        remaining = set(inspect(store.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade(store)
        assert is_current(store)
    finally:
        store.dispose()


def test_a_store_at_the_landed_accountability_revision_gains_the_processor_end(
    store_url: str,
) -> None:
    """A store made before processors could be ended (revision 0008) upgrades in place,
    keeping its rows."""
    from sqlalchemy import text

    store = Store(store_url)
    try:
        upgrade(store, "0008_accountability")
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO processor_processors (name, service, activities, countries,"
                    " dpf_certified, clauses, created_at, updated_at)"
                    " VALUES ('Mailer', 'newsletter', '[]', '[]', false, '{}', :t, :t)"
                ),
                {"t": "2026-01-01 00:00:00"},
            )
        assert not is_current(store)
        upgrade(store)
        assert is_current(store)
        columns = {c["name"] for c in inspect(store.engine).get_columns("processor_processors")}
        assert {"ended_on", "end_reason"} <= columns
        with store.engine.connect() as conn:
            row = conn.execute(text("SELECT name, ended_on FROM processor_processors")).one()
        assert tuple(row) == ("Mailer", None)
    finally:
        store.dispose()
