"""Alembic driven from code, so that the CLI, the web app and the tests share one path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from garant.store.engine import MIGRATIONS

if TYPE_CHECKING:
    from garant.store.engine import Store


def alembic_config(store: Store) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(slug)s")
    config.attributes["engine"] = store.engine
    config.attributes["keys"] = store.keys
    return config


def upgrade(store: Store, revision: str = "heads") -> None:
    command.upgrade(alembic_config(store), revision)


def downgrade(store: Store, revision: str = "base") -> None:
    command.downgrade(alembic_config(store), revision)


def current_heads(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def script_heads(store: Store) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(store)).get_heads())


def is_current(store: Store) -> bool:
    return current_heads(store) == script_heads(store)
