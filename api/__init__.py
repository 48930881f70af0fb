"""FastAPI facade: the only package that knows HTTP."""
