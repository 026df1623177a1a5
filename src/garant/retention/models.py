"""Tables of the retention feature."""

from __future__ import annotations
