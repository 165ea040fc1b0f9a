"""Check a config before anything is built: unknown types, bad keywords, wrong value types.

Every dict with a ``type`` is looked up where a build would find it (imported registries
through ``Registry.lookup``, or the static index through ``Index.find``, the same rules read
from source), and its keys are compared with the signature of what it would build. Nothing
is constructed, and nothing is imported beyond the registries' ``locations``.

The package: :mod:`._checker` walks the config, :mod:`._walk` finds its typed dicts and
scopes, :mod:`._catalogs` looks types up, :mod:`._rules` judges one dict, :mod:`._problems`
holds and prints what was found; :mod:`cfgkit._openmmlab` is what it knows of OpenMMLab's
runners and builders.
"""

from __future__ import annotations

from cfgkit.checking._catalogs import default_registries
from cfgkit.checking._checker import check, static_index
from cfgkit.checking._problems import (
    ERROR,
    MISSING_DEPENDENCY,
    NOT_CHECKED,
    NOTE,
    STALE_COPY,
    WARNING,
    Problem,
    format_problems,
)

__all__ = [
    "ERROR",
    "MISSING_DEPENDENCY",
    "NOTE",
    "NOT_CHECKED",
    "STALE_COPY",
    "WARNING",
    "Problem",
    "check",
    "default_registries",
    "format_problems",
    "static_index",
]
