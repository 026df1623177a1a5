"""Running the ``garant`` command against a test's Garant (its workspace and its store).

The app holds this feature's commands on the main app's group class (same error handling),
so that another feature's unfinished command module cannot break these tests.
"""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli import accountability
from garant.cli.main import GarantGroup


def build() -> typer.Typer:
    app = typer.Typer(cls=GarantGroup, no_args_is_help=True, pretty_exceptions_enable=False)
    accountability.register(app)
    return app


def run_cli(garant: Garant, *args: str) -> tuple[int, str]:
    """Invoke the CLI on the test's workspace, pointed at the same database backend."""
    env = {garant.settings.store.url_env: garant.store.url}
    result = CliRunner().invoke(build(), [*args, "--workspace", str(garant.workspace)], env=env)
    return result.exit_code, result.output
