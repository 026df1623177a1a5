"""The web surfaces: REST API, back office and privacy center. Thin: they call the domain."""
