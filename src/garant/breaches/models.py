"""Tables of the breaches feature."""

from __future__ import annotations
