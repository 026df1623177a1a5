"""The public intake's limits are settings (``[intake]`` in garant.toml), no longer constants
(found after issue 14): defaults as before, validated, a bad value named with its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from garant.app import Garant
from garant.errors import ConfigError, TooManyRequests
from garant.rights import codes, intake
from garant.settings import load_settings
from tests.conftest import write_workspace


def _with(root: Path, section: str) -> Path:
    toml = root / "garant.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")
    return root


def test_the_defaults_are_the_limits_documented(make_garant: Callable[..., Garant]) -> None:
    garant = make_garant()
    per_client, per_identity = intake.limits(garant)
    per_request, per_address = codes.new_code_rules(garant)
    assert (per_client.limit, per_identity.limit) == (10, 5)
    assert (per_request.limit, per_address.limit) == (3, 3)
    assert codes.tries_per_address(garant).limit == 20


def test_a_workspace_sets_its_own_limits_and_they_hold(
    make_garant: Callable[..., Garant], tmp_path: Path
) -> None:
    _with(
        write_workspace(tmp_path / "ws"),
        "[intake]\nsubmissions_per_client_hour = 2\ncode_tries_per_address_day = 8\n",
    )
    garant = make_garant()
    assert intake.limits(garant)[0].limit == 2
    assert codes.tries_per_address(garant).limit == 8
    for _ in range(2):
        intake.admit(garant, client="203.0.113.5", identities={"email": "a@example.org"})
    with pytest.raises(TooManyRequests) as refused:
        intake.admit(garant, client="203.0.113.5", identities={"email": "b@example.org"})
    assert refused.value.retry_after > 0


@pytest.mark.parametrize(
    ("section", "line", "said"),
    [
        ("[intake]\ncode_tries_per_address_day = 2\n", 2, "greater than or equal to 5"),
        ("[intake]\nsubmissions_per_client_hour = 0\n", 2, "greater than or equal to 1"),
        ("[intake]\n\nsubmissions_per_hour = 5\n", 3, "Extra inputs are not permitted"),
        ('[intake]\nnew_codes_per_request_hour = "many"\n', 2, "valid integer"),
    ],
)
def test_a_bad_limit_is_refused_with_its_file_and_line(
    tmp_path: Path, section: str, line: int, said: str
) -> None:
    root = write_workspace(tmp_path / "ws")
    before = len((root / "garant.toml").read_text(encoding="utf-8").splitlines())
    _with(root, section)
    with pytest.raises(ConfigError) as refused:
        load_settings(root)
    message = str(refused.value)
    assert message.startswith(f"{root / 'garant.toml'}:{before + 1 + line}: intake.")
    assert said in message and "\n" not in message
