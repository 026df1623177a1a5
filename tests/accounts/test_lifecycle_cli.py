"""Issue 16: `garant user deactivate|activate|role|password|tokens|revoke-token|totp-reset`,
each audited, each with a clear error when it cannot be done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from garant.accounts.service import add_user, authenticate, issue_token
from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.cli.main import build_app
from tests.conftest import write_workspace

EMAIL = "privacy@org.example"


def _workspace(tmp_path: Path) -> tuple[Path, str]:
    root = write_workspace(tmp_path / "ws")
    garant = Garant.open(root)
    try:
        with garant.unit_of_work() as uow:
            add_user(uow=uow, email=EMAIL, role="privacy", password="x" * 14)
            token = issue_token(uow=uow, email=EMAIL, name="crm")
    finally:
        garant.close()
    return root, token


def _actions(root: Path) -> list[str]:
    garant = Garant.open(root)
    try:
        with garant.unit_of_work(read_only=True) as uow:
            return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    finally:
        garant.close()


def test_every_lifecycle_command_is_audited(tmp_path: Path) -> None:
    root, _ = _workspace(tmp_path)
    runner = CliRunner()
    app = build_app()
    ws = ["--workspace", str(root)]

    def ok(*args: str, stdin: str | None = None) -> str:
        done = runner.invoke(app, [*args, *ws], input=stdin)
        assert done.exit_code == 0, done.output
        return done.output

    ok("user", "deactivate", EMAIL)
    ok("user", "activate", EMAIL)
    ok("user", "role", EMAIL, "auditor")
    ok("user", "password", EMAIL, "--stdin", stdin="a brand new passphrase\n")
    tokens = json.loads(ok("user", "tokens", EMAIL, "--json"))
    assert [(t["id"], t["name"], t["revoked_at"]) for t in tokens] == [(1, "crm", None)]
    ok("user", "revoke-token", "1")
    assert json.loads(ok("user", "tokens", EMAIL, "--json"))[0]["revoked_at"]
    actions = _actions(root)
    for action in (
        "user.deactivate",
        "user.activate",
        "user.role",
        "user.password",
        "token.revoke",
    ):
        assert action in actions
    garant = Garant.open(root)
    try:
        with garant.unit_of_work() as uow:
            user = authenticate(uow=uow, email=EMAIL, password="a brand new passphrase")
            assert user.role == "auditor"
    finally:
        garant.close()


def test_lifecycle_commands_fail_with_one_clear_line(tmp_path: Path) -> None:
    root, _ = _workspace(tmp_path)
    runner = CliRunner()
    app = build_app()
    ws = ["--workspace", str(root)]
    cases = [
        (["user", "activate", EMAIL], "already active"),
        (["user", "role", EMAIL, "boss"], "is not one of"),
        (["user", "role", EMAIL, "privacy"], "already has the role"),
        (["user", "deactivate", "nobody@org.example"], "no user"),
        (["user", "revoke-token", "99"], "no token 99"),
        (["user", "revoke-token", str(2**70)], "no token"),
        (["user", "password", EMAIL, "--stdin"], "no password"),
        (["user", "totp-reset", EMAIL], "no second factor"),
    ]
    for args, message in cases:
        done = runner.invoke(app, [*args, *ws], input="")
        assert done.exit_code == 2, (args, done.output)
        assert message in done.output and "Traceback" not in done.output, (args, done.output)
    short = runner.invoke(app, ["user", "password", EMAIL, "--stdin", *ws], input="short\n")
    assert short.exit_code == 2 and "12 characters" in short.output


def test_serve_refuses_a_short_session_secret_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's probe: a 5-character session secret was accepted."""
    root, _ = _workspace(tmp_path)
    monkeypatch.setenv("GARANT_TEST_SESSION_SECRET", "12345")
    done = CliRunner().invoke(build_app(), ["serve", "--workspace", str(root)])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "GARANT_TEST_SESSION_SECRET holds 5 bytes" in done.output
    assert "at least 32" in done.output
