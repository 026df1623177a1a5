"""Versioned secret keys for keyed hashes, tokens and encryption."""

from garant.keys.keyring import KeyRing

__all__ = ["KeyRing"]
