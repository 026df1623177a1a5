"""The consent feature."""
