"""Engines for Garant's own store, created on purpose, never at import."""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from garant.errors import ConfigError
from garant.keys.keyring import KeyRing

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "garant_read_only"
READERS_KEPT = 4
T = TypeVar("T")
log = logging.getLogger("garant.store")


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


def private_file(path: Path) -> None:
    """The SQLite file readable by its owner only (0600), created so before any byte is in
    it; an existing file (and its WAL and shared-memory files, which SQLite creates with
    the database's mode) open to others is tightened, with a warning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for item in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(item.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            try:
                os.chmod(item, 0o600)
            except OSError as exc:
                log.warning("%s is readable by others (mode %o) and cannot be tightened: %s",
                            item, mode, exc)  # fmt: skip
                continue
            log.warning("%s was readable by others (mode %o); set to 0600", item, mode)


def create_store_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(f"store URL is not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_file(Path(database))
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

    def __init__(self, url: str, *, keys: KeyRing | None = None):
        self.url = url
        # the keyring lets a migration encrypt rows that older revisions kept in clear
        self.keys = keys
        self.engine = create_store_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, future=True)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        self._readers: list[Connection] = []
        self._readers_lock = threading.Lock()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def session(self, *, read_only: bool = False) -> Session:
        """A session; ``read_only`` ones must not write (on SQLite they hold no write lock)."""
        return self.read_sessions() if read_only else self.sessions()

    def read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` (reads only) on a kept connection, outside any unit of work.

        For reads at a web site's rate (the consent check): no pool checkout and no ping
        per call, and on PostgreSQL no ``BEGIN``/``COMMIT`` round trips (the connection is
        in autocommit: each statement sees the newest commit). On SQLite each call is one
        short read transaction (WAL: it waits on nobody). A connection found dead (the
        server restarted) is dropped and the work tried once more on a new one.
        """
        for attempt in (1, 2):
            conn = self._reader()
            try:
                with conn.begin():
                    result = work(conn)
            except DBAPIError as exc:
                conn.close()
                if exc.connection_invalidated and attempt == 1:
                    continue
                raise
            except BaseException:
                conn.close()
                raise
            self._keep(conn)
            return result
        raise AssertionError("unreachable")

    def _reader(self) -> Connection:
        with self._readers_lock:
            if self._readers:
                return self._readers.pop()
        if self.backend == "sqlite":
            return self.engine.connect().execution_options(**{READ_ONLY: True})
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def _keep(self, conn: Connection) -> None:
        with self._readers_lock:
            if len(self._readers) < READERS_KEPT:
                self._readers.append(conn)
                return
        conn.close()

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (``garant db upgrade``, and at start)."""
        from garant.store.migrate import upgrade

        upgrade(self)

    def dispose(self) -> None:
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            conn.close()
        self.engine.dispose()
