"""Garant: privacy operations engine."""
