"""Temporal workflow definitions (deterministic, sandboxed)."""
