"""Engines for Garant's own store, created on purpose, never at import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from garant.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "garant_read_only"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # A deferred transaction that later writes can fail at once with "database is locked"
    # when two writers race; taking the write lock at BEGIN makes writers queue instead.
    # Read-only work begins deferred: in WAL mode it then blocks nobody, not even a unit
    # of work that a read opens inside it (the dashboard asking every engine).
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_store_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(f"store URL is not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(False)
        return create_engine(url, pool_pre_ping=True)
    raise ConfigError(f"Garant's store runs on SQLite or PostgreSQL, not {backend!r}")


class Store:
    """Garant's own database: an engine, a session factory and its migrations."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_store_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, future=True)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def session(self, *, read_only: bool = False) -> Session:
        """A session; ``read_only`` ones must not write (on SQLite they hold no write lock)."""
        return self.read_sessions() if read_only else self.sessions()

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (``garant db upgrade``, and at start)."""
        from garant.store.migrate import upgrade

        upgrade(self)

    def dispose(self) -> None:
        self.engine.dispose()
