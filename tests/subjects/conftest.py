"""A workspace whose data map points at a freshly generated demo database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from garant.app import Garant
from garant.demo.generate import generate_database
from tests.conftest import EXAMPLES, write_workspace

ENV = {"alliance-francaise": "AF_DATABASE_URL", "def-network": "DEF_CRM_URL"}
KINDS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}

DemoFactory = Callable[..., tuple[Garant, dict[str, Any]]]


def kind_of(url: str) -> str:
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    return {"mariadb": "mysql"}.get(scheme, scheme)


@pytest.fixture
def demo(
    make_garant: Callable[..., Garant], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> DemoFactory:
    """``demo(example, url, persons=...)`` -> (garant, the generator's record)."""

    def build(example: str, url: str | None = None, *, persons: int = 25, seed: int = 5) -> Any:
        root = tmp_path / f"ws-{example}"
        write_workspace(root, example=example)
        url = url or f"sqlite:///{tmp_path / (example + '.db')}"
        text = (EXAMPLES / example / "datamap.yaml").read_text(encoding="utf-8")
        (root / "datamap.yaml").write_text(
            text.replace("kind: sqlite", f"kind: {kind_of(url)}"), encoding="utf-8"
        )
        monkeypatch.setenv(ENV[example], url)
        truth = generate_database(example, url, persons=persons, seed=seed)
        return make_garant(name=root.name), truth

    return build
