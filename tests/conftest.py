"""Shared fixtures: real databases, workspaces, an SMTP server, a live server, a browser.

Servers (PostgreSQL, MariaDB, Chromium) that are absent make their tests skip with the
reason on a developer's laptop, and fail when CI=true.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from garant.app import Garant
from garant.clock import FixedClock

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
PG_ADMIN_URL = os.environ.get("GARANT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_ADMIN_URL = os.environ.get(
    "GARANT_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

MINIMAL_TOML = """\
mode = "production"
[store]
default_url = "sqlite:///garant.db"
[keys]
file = "keys/garant-keys.json"
env = "GARANT_TEST_NO_KEYS_ENV"
[web]
secure_cookies = false
session_secret_env = "GARANT_TEST_SESSION_SECRET"
"""

MINIMAL_POLICY = """\
controller:
  name: Test Organization
timezone: Europe/Paris
country: FR
"""


def unavailable(reason: str) -> None:
    """Skip on a laptop; fail in CI, where every server must be there."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _fresh_database(admin_url: str, kind: str) -> tuple[str, Callable[[], None]]:
    """Create a database of its own for one test run; return its URL and a dropper."""
    name = f"garant_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(f'CREATE DATABASE "{name}"' if kind == "pg" else f"CREATE DATABASE `{name}`")
        )
    base = admin_url.rsplit("/", 1)[0]

    def drop() -> None:
        with admin.connect() as conn:
            if kind == "pg":
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()

    suffix = "?charset=utf8mb4" if kind == "mariadb" else ""
    return f"{base}/{name}{suffix}", drop


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test."""
    if not _reachable("127.0.0.1", 5432):
        unavailable("PostgreSQL is not running on 127.0.0.1:5432")
    url, drop = _fresh_database(PG_ADMIN_URL, "pg")
    yield url
    drop()


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """A new, empty MariaDB database for this test."""
    if not _reachable("127.0.0.1", 3306):
        unavailable("MariaDB is not running on 127.0.0.1:3306")
    url, drop = _fresh_database(MARIADB_ADMIN_URL, "mariadb")
    yield url
    drop()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Garant's own store on each backend it supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


def write_workspace(root: Path, *, example: str | None = None, policy: str | None = None) -> Path:
    """A workspace for a test: an example's files, or a minimal policy; real keys."""
    from garant.keys.keyring import generate_keyfile

    root.mkdir(parents=True, exist_ok=True)
    if example is not None:
        for item in (EXAMPLES / example).iterdir():
            if item.name in ("garant.toml", "keys", "__pycache__") or item.suffix in (
                ".db",
                ".sqlite",
            ):
                continue
            if item.is_dir():
                shutil.copytree(item, root / item.name, dirs_exist_ok=True)
            else:
                shutil.copy2(item, root / item.name)
    else:
        (root / "policy.yaml").write_text(policy or MINIMAL_POLICY, encoding="utf-8")
    (root / "garant.toml").write_text(MINIMAL_TOML, encoding="utf-8")
    generate_keyfile(root / "keys" / "garant-keys.json")
    return root


@pytest.fixture(autouse=True)
def _session_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GARANT_TEST_SESSION_SECRET", "test-session-secret-" + "x" * 32)


@pytest.fixture
def make_garant(tmp_path: Path) -> Iterator[Callable[..., Garant]]:
    """Build a Garant on a fresh workspace: ``make_garant(example=..., url=..., now=...)``."""
    opened: list[Garant] = []

    def build(
        *,
        example: str | None = None,
        policy: str | None = None,
        url: str | None = None,
        now: datetime = DEFAULT_NOW,
        name: str = "ws",
    ) -> Garant:
        root = tmp_path / name
        if not (root / "garant.toml").exists():
            write_workspace(root, example=example, policy=policy)
        garant = Garant.open(root, clock=FixedClock(now), database_url=url)
        opened.append(garant)
        return garant

    yield build
    for garant in opened:
        garant.close()


@pytest.fixture
def pipelines(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each group of lookups ``garant.connectors.direct`` sends in one pipeline."""
    from garant.connectors import direct

    sent: list[int] = []
    real_run = direct.run

    def counted(conn: Any, statements: Any, *args: Any) -> Any:
        sent.append(len(statements))
        return real_run(conn, statements, *args)

    monkeypatch.setattr(direct, "run", counted)
    return sent


@pytest.fixture
def garant(make_garant: Callable[..., Garant], store_url: str) -> Garant:
    """A Garant on a minimal workspace, on each store backend."""
    return make_garant(url=store_url)


# --- mail -------------------------------------------------------------------------
class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        self.messages.append(message)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on loopback; mail sent to it lands in ``.messages``."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def use_smtp(garant: Garant, sink: SmtpSink) -> None:
    garant.settings.mail.host = "127.0.0.1"
    garant.settings.mail.port = sink.port


# --- live server and browser ---------------------------------------------------------
class LiveServer:
    def __init__(self, garant: Garant):
        import uvicorn

        from garant.web.app import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(garant), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server() -> Callable[[Garant], LiveServer]:
    return LiveServer


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()
