"""Analyses of a loaded config: provenance, stale copies, source lines (private)."""
