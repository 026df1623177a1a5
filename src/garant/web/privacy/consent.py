"""Privacy-center pages of the consent feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
