"""Creating workspaces: ``garant init`` and ``garant demo``."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from garant.errors import ConfigError, InvalidInput

if TYPE_CHECKING:
    from garant.app import Garant

EXAMPLES = ("alliance-francaise", "def-network", "public-body")

TOML = """\
# Garant workspace settings. Secrets are never written here: name the environment
# variables that hold them. Outside mode = "demo", a secret left at its default is refused.
mode = "{mode}"
policy = "policy.yaml"
datamap = "datamap.yaml"

[store]
# The store is this SQLite file unless the variable below holds a database URL
# (PostgreSQL in production: postgresql+psycopg://user@host/db).
url_env = "GARANT_DATABASE_URL"
default_url = "sqlite:///garant.db"

[keys]
# Keys live outside the store (and outside its backups).
file = "keys/garant-keys.json"
env = "GARANT_KEYS"

[mail]
host = "127.0.0.1"
port = 25
sender = "{sender}"

[web]
base_url = "http://127.0.0.1:8000"
secure_cookies = {secure}
session_secret_env = "GARANT_SESSION_SECRET"

[archive]
directory = "archive"
"""

EMPTY_POLICY = """\
# The register of processing as code. See docs/policy.md.
controller:
  name: "My organization"
timezone: Europe/Paris
country: FR
"""


def examples_root() -> Path:
    configured = os.environ.get("GARANT_EXAMPLES")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "examples"


def create_workspace(directory: Path, *, example: str | None = None, demo: bool = False) -> Path:
    target = directory.resolve()
    if (target / "garant.toml").exists():
        raise ConfigError(f"{target} is already a workspace (garant.toml exists)")
    target.mkdir(parents=True, exist_ok=True)
    sender = "privacy@example.org"
    if example is not None:
        if example not in EXAMPLES:
            raise InvalidInput(f'no example "{example}" (choose from {", ".join(EXAMPLES)})')
        source = examples_root() / example
        if not source.is_dir():
            raise ConfigError(f"example files not found at {source}")
        for item in source.iterdir():
            if item.name in ("garant.toml", "keys", "garant.db", "__pycache__") or item.suffix in (
                ".db",
                ".sqlite",
            ):
                continue
            dest = target / item.name
            if item.is_dir():
                shutil.copytree(item, dest, dirs_exist_ok=True)
            else:
                shutil.copy2(item, dest)
    elif not (target / "policy.yaml").exists():
        (target / "policy.yaml").write_text(EMPTY_POLICY, encoding="utf-8")
    mode = "demo" if demo else "production"
    (target / "garant.toml").write_text(
        TOML.format(mode=mode, sender=sender, secure="false" if demo else "true"), encoding="utf-8"
    )
    if not demo:
        from garant.keys.keyring import generate_keyfile

        generate_keyfile(target / "keys" / "garant-keys.json")
    return target


def prepare_demo(directory: Path, example: str = "alliance-francaise") -> tuple[Garant, str, str]:
    """A fresh demo workspace with its data and a DPO login: (garant, email, password)."""
    from garant.accounts.service import add_user
    from garant.app import Garant
    from garant.demo import build_demo_data

    target = directory.resolve()
    if target.exists():
        shutil.rmtree(target)
    create_workspace(target, example=example, demo=True)
    garant = Garant.open(target)
    build_demo_data(garant, example)
    email, password = "dpo@demo.garant.example", secrets.token_urlsafe(12)
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=email, role="dpo", password=password)
    return garant, email, password
