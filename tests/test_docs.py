"""Declarations are documented: every setting appears in docs/platform.md."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from garant.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(_keys(annotation, f"{prefix}{name}."))
        else:
            keys.append(f"{prefix}{name}")
    return keys


def test_every_setting_is_documented() -> None:
    text = (DOCS / "platform.md").read_text(encoding="utf-8")
    missing = [key for key in _keys(Settings) if f"`{key}`" not in text]
    assert missing == [], f"settings missing from docs/platform.md: {missing}"
