"""`garant init` and `garant demo` (what `make run` starts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from garant.app import Garant
from garant.errors import ConfigError, InvalidInput
from garant.web.app import create_app
from garant.workspace import EXAMPLES, create_workspace, prepare_demo


def test_the_demo_serves_the_example_with_a_working_login(tmp_path: Path) -> None:
    garant, email, password = prepare_demo(tmp_path / "demo")
    try:
        assert garant.settings.is_demo and not garant.settings.web.secure_cookies
        assert "Alliance" in garant.policy.controller.name
        assert (garant.workspace / "datamap.yaml").exists()
        with TestClient(create_app(garant), headers={"Accept-Language": "en"}) as client:
            page = client.get("/login")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            client.post("/login", data={"email": email, "password": password, "csrf_token": token})
            assert client.get("/admin").status_code == 200
            assert client.get("/privacy").status_code == 200
    finally:
        garant.close()


@pytest.mark.parametrize("example", EXAMPLES)
def test_init_from_each_example_opens(
    tmp_path: Path, example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = create_workspace(tmp_path / example, example=example)
    assert (root / "keys" / "garant-keys.json").exists()
    garant = Garant.open(root)
    try:
        assert garant.policy.timezone == "Europe/Paris"
    finally:
        garant.close()


def test_unknown_example_and_second_init_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no example"):
        create_workspace(tmp_path / "x", example="acme")
    create_workspace(tmp_path / "y")
    with pytest.raises(ConfigError, match="already a workspace"):
        create_workspace(tmp_path / "y")
