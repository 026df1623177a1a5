"""Running the ``garant`` command against a test's Garant (its workspace and its store)."""

from __future__ import annotations

from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app


def run_cli(garant: Garant, *args: str) -> tuple[int, str]:
    """Invoke the CLI on the test's workspace, pointed at the same database backend."""
    env = {garant.settings.store.url_env: garant.store.url}
    result = CliRunner().invoke(build_app(), [*args, "--workspace", str(garant.workspace)], env=env)
    return result.exit_code, result.output
