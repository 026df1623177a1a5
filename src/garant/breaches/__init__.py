"""The breaches feature."""
