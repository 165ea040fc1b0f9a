"""The reserved keys: names that mean something to the loader, the builder or ``Config``."""

from __future__ import annotations

__all__ = [
    "BASE_KEY",
    "CUSTOM_IMPORTS_KEY",
    "DEFAULT_SCOPE_KEY",
    "DELETE_KEY",
    "DEPRECATION_KEY",
    "RESERVED_KEYS",
    "SCOPE_KEY",
    "TYPE_KEY",
]

# Loading: the files a config inherits from, and a deprecation notice it carries.
BASE_KEY = "_base_"
DEPRECATION_KEY = "_deprecation_"
# Merging: a dict carrying `_delete_=True` replaces the base dict instead of merging into it.
DELETE_KEY = "_delete_"
# After loading: modules to import so that their registrations run.
CUSTOM_IMPORTS_KEY = "custom_imports"
# Building: the class to build, the scope to build it in, and a config's default scope.
TYPE_KEY = "type"
SCOPE_KEY = "_scope_"
DEFAULT_SCOPE_KEY = "default_scope"
# Top-level keys a config may not have: `Config` has properties of these names.
RESERVED_KEYS = ("filename", "text", "pretty_text", "env_variables")
