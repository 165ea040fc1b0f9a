"""A fake model library that pure-Python test configs import from (lazily)."""
