"""Pages of the campaigns app, one module per area; each view parses input and calls a service."""
