"""The subjects feature."""
