"""The load pipeline: a config file to a plain dict tree (private)."""
