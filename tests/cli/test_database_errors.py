"""A store that cannot be reached is one line saying what to check, never a traceback."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from tests.conftest import free_port


def test_an_unreachable_store_is_one_line_with_what_to_check(
    make_garant: Callable[..., Garant], monkeypatch: pytest.MonkeyPatch
) -> None:
    garant = make_garant()
    workspace = str(garant.workspace)
    garant.close()
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/nowhere"
    monkeypatch.setenv("GARANT_DATABASE_URL", url)
    result = CliRunner().invoke(build_app(), ["request", "list", "-w", workspace])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: database unreachable or failing (")
    assert f"port {port}" in lines[0] and "check that it runs" in lines[0]
    assert "Traceback" not in result.output
