"""Tables of the processors feature."""

from __future__ import annotations
