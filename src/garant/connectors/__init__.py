"""The connectors feature."""
