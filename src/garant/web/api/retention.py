"""API routes of the retention feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
