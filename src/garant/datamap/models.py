"""PLACEHOLDER: the data map model, written by the data-map feature."""

from __future__ import annotations

from pydantic import BaseModel


class DataMap(BaseModel):
    pass
