"""Workspace settings, read from ``garant.toml``.

Secrets never live in the file: it names the environment variables that hold them.
Outside demo mode a secret left at its demo default is refused.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from garant.errors import ConfigError

DEMO_SECRET = "garant-demo-secret-do-not-use-in-production"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreSettings(_Section):
    url_env: str = "GARANT_DATABASE_URL"
    default_url: str = "sqlite:///garant.db"


class KeySettings(_Section):
    """Keys live outside the store: a file path or an environment variable."""

    file: str = "keys/garant-keys.json"
    env: str = "GARANT_KEYS"


class MailSettings(_Section):
    host: str = "127.0.0.1"
    port: int = 25
    sender: str = "privacy@example.org"
    starttls: bool = False
    ssl: bool = False
    username_env: str | None = None
    password_env: str | None = None
    timeout_seconds: float = 10.0
    dpo_address: str | None = None


class WebSettings(_Section):
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    secure_cookies: bool = True
    session_secret_env: str = "GARANT_SESSION_SECRET"
    session_hours: int = Field(default=8, ge=1, le=24 * 30)
    """Absolute lifetime of a staff session: signed in again after it, active or not."""
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    """A staff session unused this long ends (kept to the minute)."""
    require_2fa: bool = False
    """The dpo and admin roles must sign in with a second factor (TOTP)."""
    login_attempts_per_account: int = Field(default=5, ge=1, le=1000)
    login_attempts_per_client: int = Field(default=30, ge=1, le=100_000)
    login_attempts_account_wide: int = Field(default=20, ge=1, le=100_000)
    """Attempts on one account from all addresses in the window before each address gets
    only ``login_attempts_when_attacked`` on it (``garant.accounts.throttling``)."""
    login_attempts_when_attacked: int = Field(default=2, ge=1, le=1000)
    login_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    """Sign-in attempts allowed per account from one client address, and per client
    address, in this window."""


class AuditSettings(_Section):
    """An RFC 3161 time-stamping service that stamps each exported anchor (optional)."""

    timestamp_url: str | None = None
    timestamp_root_cert: str | None = None
    """PEM file of the service's root certificate: the stamp is checked against it when
    received and again by ``garant audit verify --anchor``."""
    timestamp_timeout_seconds: float = Field(default=10.0, gt=0, le=300)


class ArchiveSettings(_Section):
    directory: str = "archive"


class ScheduleSettings(_Section):
    retention_sweep_at: str = "02:00"
    request_reminder_days: list[int] = Field(default_factory=lambda: [7, 2])


class RightsSettings(_Section):
    transfer_allowed_hosts: list[str] = Field(default_factory=list)
    """Hosts a portability transfer may reach over plain http or at a private, loopback or
    link-local address (a partner on the internal network). Elsewhere only https to a
    public address: the person names the destination, and Garant must not be made to
    post their data inside its own network."""
    review_replies: bool = True
    """Replies to requests wait in the outbox until staff release them, as written or
    edited (``garant.rights.review``)."""


class IntakeSettings(_Section):
    """Limits of the public rights intake (``garant.rights.intake``, ``garant.rights.codes``),
    counted in the store per client address, identity, request or mailbox."""

    submissions_per_client_hour: int = Field(default=10, ge=1, le=10_000)
    submissions_per_identity_hour: int = Field(default=5, ge=1, le=1000)
    new_codes_per_request_hour: int = Field(default=3, ge=1, le=100)
    new_codes_per_address_hour: int = Field(default=3, ge=1, le=100)
    code_tries_per_address_day: int = Field(default=20, ge=5, le=1000)
    """Tries at the codes mailed to one address, across all its requests (at least the
    five one code allows)."""


class WorkerSettings(_Section):
    """Where jobs run: in the worker's own process, or on Celery workers behind a broker.

    The broker URL may hold a password, so it is read from the environment variable
    named here first; ``broker_url`` in the file is the fallback. Unset: in-process.
    """

    broker_url_env: str = "GARANT_BROKER_URL"
    broker_url: str | None = None
    queue: str = "garant"
    lease_seconds: int = Field(default=300, ge=1)

    def resolved_broker_url(self) -> str | None:
        return os.environ.get(self.broker_url_env) or self.broker_url or None


class Settings(_Section):
    mode: Literal["production", "demo"] = "production"
    policy: str = "policy.yaml"
    datamap: str = "datamap.yaml"
    store: StoreSettings = Field(default_factory=StoreSettings)
    keys: KeySettings = Field(default_factory=KeySettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    archive: ArchiveSettings = Field(default_factory=ArchiveSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    rights: RightsSettings = Field(default_factory=RightsSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"

    def database_url(self, workspace: Path) -> str:
        url = os.environ.get(self.store.url_env) or self.store.default_url
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            relative = url.removeprefix("sqlite:///")
            if relative and relative != ":memory:":
                url = f"sqlite:///{(workspace / relative).resolve()}"
        return url

    def secret(self, env_name: str) -> str:
        value = os.environ.get(env_name)
        if value:
            if value == DEMO_SECRET and not self.is_demo:
                raise ConfigError(f"{env_name} is the demo secret; set a real one outside a demo")
            return value
        if self.is_demo:
            return DEMO_SECRET
        raise ConfigError(f"{env_name} is not set: Garant refuses a default secret outside a demo")


MIN_SESSION_SECRET = 32
"""Bytes: the session cookie is signed with HMAC-SHA256, whose key should be no shorter."""


def session_secret(settings: Settings) -> str:
    """The secret that signs browser sessions; outside a demo, at least 32 bytes."""
    name = settings.web.session_secret_env
    value = settings.secret(name)
    size = len(value.encode())
    if not settings.is_demo and size < MIN_SESSION_SECRET:
        raise ConfigError(
            f"{name} holds {size} bytes; a session secret needs at least {MIN_SESSION_SECRET} "
            'outside a demo: python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return value


def load_settings(workspace: Path) -> Settings:
    path = workspace / "garant.toml"
    if not path.exists():
        raise ConfigError(f"{path}: no garant.toml here; create a workspace with `garant init`")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        text = path.read_text(encoding="utf-8")
        first = exc.errors()[0]
        line = _line_of(text, tuple(str(p) for p in first["loc"]))
        where = f"{path}:{line}" if line else str(path)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{where}: {problems}") from None


def _line_of(text: str, loc: tuple[str, ...]) -> int | None:
    """The line of ``section.key`` (or of the section itself) in a garant.toml, for an
    error that says where: ``garant.toml:12: intake.code_tries_per_address_day: ...``."""
    section, key = (loc[0], loc[1]) if len(loc) > 1 else ("", loc[0] if loc else "")
    current, header = "", None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped.strip("[] ")
            header = number if current == section else header
            continue
        name = stripped.split("=", 1)[0].strip().strip('"')
        if current == section and "=" in stripped and name == key:
            return number
    return header
