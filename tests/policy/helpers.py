"""Shared helpers for the policy tests: a CLI with this feature's commands, workspaces."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from garant.cli import policy as policy_cli
from garant.cli.main import GarantGroup


def cli() -> typer.Typer:
    """The garant CLI with the policy feature's groups (and its error handling)."""
    app = typer.Typer(cls=GarantGroup, pretty_exceptions_enable=False, add_completion=False)
    policy_cli.register(app)
    return app


def run(*args: str) -> tuple[int, str, str]:
    """Run ``garant ARGS``; exit code, stdout and stderr."""
    result = CliRunner().invoke(cli(), list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
