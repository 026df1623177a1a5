"""One job table with leases: every engine's scheduled and long work runs through it."""
