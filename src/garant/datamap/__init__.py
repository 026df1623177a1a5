"""The datamap feature."""
