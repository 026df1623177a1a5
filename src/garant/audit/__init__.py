"""The hash-chained audit log with erasable payloads and daily seals."""
