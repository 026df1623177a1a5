"""Tables of the accountability feature."""

from __future__ import annotations
