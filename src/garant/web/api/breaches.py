"""API routes of the breaches feature."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
