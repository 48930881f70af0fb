"""Temporal activities: one module per side effect, each a small class holding its clients."""
