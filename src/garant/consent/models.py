"""Tables of the consent feature."""

from __future__ import annotations
