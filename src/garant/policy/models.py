"""PLACEHOLDER policy model, to be replaced by the full model of the policy issue.

The platform relies only on: ``Policy.controller.name``, ``Policy.timezone``,
``Policy.country`` and ``Policy.languages``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Controller(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


class Policy(BaseModel):
    model_config = ConfigDict(extra="allow")
    controller: Controller
    timezone: str = "Europe/Paris"
    country: str = "FR"
    languages: list[str] = Field(default_factory=lambda: ["fr", "en"])
    extra: dict[str, Any] = Field(default_factory=dict)
