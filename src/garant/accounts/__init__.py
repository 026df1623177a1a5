"""Staff accounts, roles and machine tokens."""
