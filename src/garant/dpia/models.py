"""Tables of the dpia feature."""

from __future__ import annotations
