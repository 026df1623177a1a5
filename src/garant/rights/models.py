"""Tables of the rights feature."""

from __future__ import annotations
