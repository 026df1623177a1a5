"""Privacy-center pages of the rights feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
