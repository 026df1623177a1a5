"""The accountability feature."""
