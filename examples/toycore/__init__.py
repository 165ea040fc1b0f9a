"""toycore: a tiny library of layers with its own registry (the parent scope)."""
