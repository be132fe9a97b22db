"""HTTP APIs of kiss-details: the upstream-compatible KISS endpoints and /api/v1."""
