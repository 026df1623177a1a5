"""The register of processing as code."""
