"""The rights feature."""
