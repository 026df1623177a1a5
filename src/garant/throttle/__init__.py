"""Store-backed throttles: count attempts per (scope, keyed hash) in a sliding window."""
