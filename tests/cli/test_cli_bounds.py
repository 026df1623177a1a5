"""Values at the edge of the range, typed at the command line: one clear line, exit 2,
never a traceback (the same values that once broke the API)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_platform_cli import run
from tests.conftest import write_workspace

CASES = [
    (("request", "show", "9223372036854775808"), "out of range"),
    (("request", "extend", "99999999999999999999", "--reason", "x"), "out of range"),
    (("hold", "release", "9223372036854775808"), "out of range"),
    (("breach", "show", "²"), "no breach"),
    (("retention", "plan", "--horizon", "99999999999d"), "longer than 1,000 years"),
    (("retention", "plan", "--as-of", "9999-12-31"), "between 1900-01-01 and 2999-12-31"),
    (("request", "list", "--as-of", "9999-12-31T23:59+14:00"), "between 1900-01-01"),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("bounds") / "ws", example="alliance-francaise")


@pytest.mark.parametrize(("args", "said"), CASES)
def test_an_out_of_range_value_is_one_clear_line(
    workspace: Path, args: tuple[str, ...], said: str
) -> None:
    done = run(*args, cwd=workspace)
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr


def test_requests_opened_on_a_later_day_are_listed_today(workspace: Path) -> None:
    """A request opened ``--as-of`` a day after today still appears in ``request list``."""
    opened = run(
        "request", "open", "--type", "access", "--identity", "email=later@example.org",
        "--channel", "email", "--as-of", "2027-02-10", cwd=workspace,
    )  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    listed = run("request", "list", "--as-of", "2026-12-06", cwd=workspace)
    assert listed.returncode == 0, listed.stderr
    assert "2027-02-10" in listed.stdout
