"""Why a build did not find its ``type``: the diagnosis a failed ``Registry.build`` adds.

Called only on the failure path of a lookup (``build_from_cfg`` raising ``NotRegisteredError``),
so the success path pays nothing. It asks the registries that exist (another scope of the same
tree, another kind of registry, a name spelt differently) and the sources, read without
importing anything (:mod:`cfgkit.index._why`: the module that registers it and was never
imported or fails to import, a class never registered, a scope not installed). The static index
of the registry tree's packages is kept for the process, and its summaries on disk, so a second
failure costs little.
"""

from __future__ import annotations

import os
import sys

from cfgkit._locations import location_of
from cfgkit._openmmlab import stem
from cfgkit.errors import did_you_mean
from cfgkit.index import Index
from cfgkit.index._packages import find_package
from cfgkit.index._why import (
    Cause,
    diagnose,
    other_registry,
    other_scope,
    project_root,
    render,
    respellings,
    respelt,
    unique,
)
from cfgkit.registry.registry import Registry, all_registries

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

    from cfgkit._contracts import KeyPath

__all__ = ["diagnosis", "explain_missing"]

# The static index of each set of scopes, for this process (sources are read once).
_INDEXES: dict[tuple[frozenset[str], tuple[str, ...]], Index] = {}


def explain_missing(name: str, registry: object, cfg: Any) -> str:
    """The lines to add to "X is not in the registry": each cause and its fix, or ``''``.

    Args:
        name: The ``type`` that was not found.
        registry: The registry the build searched (after ``_scope_`` and the default scope).
        cfg: The dict being built (its key path and file, when it comes from a config).
    """
    if not isinstance(registry, Registry):  # a registry-like object of another library
        return ""
    location = location_of(cfg)
    path = location.key_path if location is not None else ()
    filename = location.filename if location is not None else None
    causes = diagnosis(name, registry, path, filename)
    return "\n" + render(causes, "  ") if causes else ""


def diagnosis(name: str, registry: Registry, path: KeyPath, filename: Optional[str]) -> list[Cause]:
    """Why a build from ``registry`` does not find ``name``: the live registries first, then
    the sources (:func:`cfgkit.index._why.diagnose`).

    Args:
        name: The ``type`` that was not found.
        registry: The registry searched.
        path: The key path of the dict in its config (``()`` when unknown).
        filename: The config file, whose project is read (the current folder's otherwise).
    """
    bare = Registry.split_scope_key(name)[1]
    causes = _runtime_causes(bare, registry, path)
    # Close names only when the error has none (the live registry may not be imported yet).
    close = not did_you_mean(bare, registry.visible_names())
    causes.extend(_static_causes(name, registry, path, filename, close))
    kept = unique(causes)
    if any(c.kind != "spelling" for c in kept):
        kept = [c for c in kept if c.kind != "spelling" or "close to" not in c.why]
    return kept


def _runtime_causes(bare: str, registry: Registry, path: Any) -> list[Cause]:
    """What the registries that exist now say about ``bare`` (the type without its scope):
    the name in another scope of this tree, spelt differently, or in another kind of registry."""
    causes: list[Cause] = []
    chain = {id(r) for r in registry._ancestors()}
    tree = list(registry.root.walk())
    in_tree = {id(r) for r in tree}
    for other in tree:
        if id(other) not in chain and bare in other.module_dict:
            where = f"{other.scope}::{other.name}"
            causes.append(other_scope(bare, other.scope, where, registry.scope))
    names = registry.visible_names()
    causes += [respelt(bare, n, "case or separators differ") for n in respellings(bare, names)[:1]]
    aliases = [n for n in names if getattr(registry.get(n), "__name__", None) == bare]
    how = f"the class {bare} is registered under this name"
    causes += [respelt(bare, n, how) for n in aliases[:1]]
    scopes = {r.scope for r in tree}
    for other in sorted(all_registries(), key=lambda r: (r.scope, r.name)):
        # Another kind of registry of the scopes this build knows (mmdet's transforms for
        # an mmdet model), not of every package that happens to be imported.
        if id(other) in in_tree or other.scope not in scopes or bare not in other.module_dict:
            continue
        if stem(other.name) == stem(registry.name):
            continue  # the same kind in another tree: a second copy, not a misplaced dict
        label, built_from = f"{other.scope}::{other.name}", f"{registry.scope}::{registry.name}"
        causes.append(other_registry(bare, other.name, label, path, built_from, registry.name))
    return causes


def _static_causes(
    name: str, registry: Registry, path: Any, filename: Optional[str], close: bool
) -> list[Cause]:
    """What the sources say (:func:`cfgkit.index._why.diagnose`), nothing imported."""
    scopes = {r.scope for r in registry.root.walk()}
    if "." in name:
        scopes.add(name.partition(".")[0])
    index = _index(scopes)
    keys = [k for k in index.in_scope(registry.scope) if index.registries[k].name == registry.name]
    project = project_root(filename, sys.path) or project_root(os.getcwd(), sys.path)
    return diagnose(
        index,
        name,
        registry.scope,
        path,
        start=keys,
        project=project,
        imported=lambda module: module in sys.modules,
        search_path=sys.path,
        close_names=close,
    )


def _index(scopes: set[str]) -> Index:
    """The static index of the installed packages among ``scopes`` (and those they build
    on), once per process."""
    readable = frozenset(
        s for s in scopes if s.isidentifier() and find_package(s, sys.path) is not None
    )
    key = (readable, tuple(sys.path))
    index = _INDEXES.get(key)
    if index is None:
        index = Index(sys.path)
        for scope in sorted(readable):
            index.scan_with_requirements(scope)
        index.scan_parents()
        _INDEXES[key] = index
    return index
