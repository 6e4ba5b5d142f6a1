"""The JSON API at /api/v1 for the organisation department's own systems, with scoped tokens."""
