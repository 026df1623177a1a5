"""Privacy-center pages of the datamap feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
