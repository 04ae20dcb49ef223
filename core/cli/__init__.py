"""Headless command line (SPEC §5): `python -m core.cli report|simulate …`; `main` routes, one module per command."""
