"""The platform commands, run as a user runs them: clear errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_workspace

GARANT = [sys.executable, "-m", "garant"]


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "GARANT_TEST_SESSION_SECRET": "s" * 40, **(env or {})}
    return subprocess.run(
        [*GARANT, *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=120
    )


def test_init_creates_a_workspace_that_refuses_to_be_made_twice(tmp_path: Path) -> None:
    done = run("init", "org", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ws = tmp_path / "org"
    assert {"garant.toml", "policy.yaml", "keys"} <= {p.name for p in ws.iterdir()}
    assert 'mode = "production"' in (ws / "garant.toml").read_text()
    again = run("init", "org", cwd=tmp_path)
    assert again.returncode == 2
    assert "already a workspace" in again.stderr and "Traceback" not in again.stderr


def test_user_add_then_audit_verify_on_a_real_workspace(tmp_path: Path) -> None:
    write_workspace(tmp_path / "ws")
    ws = tmp_path / "ws"
    added = run(
        "user",
        "add",
        "dpo@org.example",
        "--role",
        "dpo",
        "--workspace",
        str(ws),
        cwd=tmp_path,
        env={"GARANT_NEW_PASSWORD": "a long passphrase"},
    )
    assert added.returncode == 0, added.stderr
    verified = run("audit", "verify", "--workspace", str(ws), "--json", cwd=tmp_path)
    assert verified.returncode == 0 and '"ok": true' in verified.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["worker", "--once", "--as-of", "2026-13-01"], "is not an ISO date"),
        (["audit", "verify", "--workspace", "/nonexistent/ws"], "no such workspace"),
        (["user", "add", "not-an-email", "--role", "dpo", "--password", "x" * 14], "not an email"),
        (["user", "add", "a@b.org", "--role", "boss", "--password", "x" * 14], "is not one of"),
        (["db", "restore", "/nonexistent.bak", "--yes"], "no such backup"),
    ],
)
def test_bad_input_gets_a_clear_error_and_exit_2(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    ws = write_workspace(tmp_path / "ws")
    done = run(*args, cwd=ws)
    assert done.returncode == 2, done.stdout + done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_workspace_file_says_how_to_make_one(tmp_path: Path) -> None:
    done = run("audit", "log", cwd=tmp_path)
    assert done.returncode == 2 and "garant init" in done.stderr


def test_a_broken_garant_toml_names_the_file(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws")
    (ws / "garant.toml").write_text('mode = "production"\n[web]\nport = "eighty"\n')
    done = run("audit", "log", cwd=ws)
    assert done.returncode == 2
    assert "garant.toml" in done.stderr and "web.port" in done.stderr


def test_production_refuses_the_demo_session_secret(tmp_path: Path) -> None:
    from garant.settings import DEMO_SECRET

    ws = write_workspace(tmp_path / "ws")
    done = run("serve", cwd=ws, env={"GARANT_TEST_SESSION_SECRET": DEMO_SECRET})
    assert done.returncode == 2 and "demo secret" in done.stderr
