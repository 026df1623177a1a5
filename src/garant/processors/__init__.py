"""The processors feature."""
