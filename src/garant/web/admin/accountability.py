"""Back-office pages of the accountability feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
