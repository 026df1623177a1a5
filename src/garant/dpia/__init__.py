"""The dpia feature."""
