"""``check`` and ``static_index``: the walk of a whole config, each typed dict checked in the
scope it is built in, against the catalogs of that scope."""

from __future__ import annotations

from cfgkit._key_paths import dotted
from cfgkit._keys import DEFAULT_SCOPE_KEY, SCOPE_KEY, TYPE_KEY
from cfgkit._openmmlab import RUNNER_KEYS, read_by_runner, runner_keys
from cfgkit.checking._catalogs import Catalog, Registries, StaticCatalog, default_registries
from cfgkit.checking._problems import ERROR, NOTE, OPTIONS, STALE_COPY, Problem, once
from cfgkit.checking._rules import check_dict
from cfgkit.checking._walk import (
    custom_imports,
    direct_parent,
    enclosing,
    first,
    module_name,
    scopes_used,
    typed_dicts,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional, Sequence

    from cfgkit._contracts import KeyPath
    from cfgkit.config import Config
    from cfgkit.index import Index
    from cfgkit.registry.registry import Registry

__all__ = ["check", "static_index"]


def check(
    cfg: Config,
    registries: Optional[Sequence[Registry]] = None,
    references: bool = True,
    imports: bool = True,
    index: Optional[Index] = None,
) -> list[Problem]:
    """Find every mistake in a config's buildable dicts at once, without building anything.

    Each dict with a ``type`` is looked up in ``registries`` (by default the registries of
    the config's ``default_scope`` and their ancestors, or every registry when there is none)
    and checked against the signature of the class or function it names:

    - a ``type`` registered nowhere searched is an error, with close names;
    - a key the target does not accept is an error, with close parameter names (a target
      with ``**kwargs`` accepts everything);
    - a value that plainly contradicts a simple annotation (``int``, ``float``, ``str``,
      ``bool``, ``Optional``, ``Literal``, lists, tuples and unions of these) is a warning;
    - a required parameter the dict does not give is a note;
    - a stale copy (:meth:`Config.stale_references`) is a warning under a key the runner
      reads, a note under a helper key, located where its variable was last changed.

    Args:
        cfg: A loaded config.
        registries: Where to look types up.
        references: Report stale copies too.
        imports: Import the ``<scope>.registry`` module of a scope a ``type`` names
            (``'mmdet.RetinaNet'``), as ``build`` does; False for an untrusted config
            (``cfgkit check --safe``), whose types must not choose what is imported.
        index: A static index (:func:`static_index`) of packages read from source, used
            instead of ``registries`` (or after them, when both are given): nothing is
            imported.

    Returns:
        The problems, in the order of the config, each with its key path and file:line.

    Examples:
        >>> from cfgkit import Config
        >>> problems = check(Config(dict(model=dict(type='Nope'))), registries=[])
        >>> [p.severity for p in problems]
        ['error']
    """
    scope = cfg.get(DEFAULT_SCOPE_KEY)
    scope = scope if isinstance(scope, str) and scope else None
    imported: list[Catalog] = []
    if index is None or registries is not None:
        chosen = list(registries) if registries is not None else default_registries(cfg)
        imported.append(Registries(chosen, imports))
    problems: list[Problem] = []
    tree = cfg.to_dict()
    used = scopes_used(tree, index)
    statics: dict[Optional[str], StaticCatalog] = {}
    if index is not None:
        statics[scope] = StaticCatalog(index, scope, used)
        problems.extend(statics[scope].preamble(cfg))
    kinds: dict[KeyPath, Any] = {}
    scopes: dict[KeyPath, Optional[str]] = {}
    read = runner_keys(tree)
    if read is None and index is not None:
        # A fragment read from an OpenMMLab project (a base with only `unet = dict(...)`):
        # its keys count as a runner would read them once a config includes it.
        read = RUNNER_KEYS
    found: list[Problem] = []
    for path, node in typed_dicts(tree):
        kinds[path] = node[TYPE_KEY]
        around = enclosing(path, kinds)
        here = scope if around is None else scopes[around[0]]
        popped: frozenset[str] = frozenset()
        picked = False  # the enclosing class may pick this dict's class itself
        if around is not None and isinstance(kinds[around[0]], str):
            outer, parameter = around
            parent = _catalogs_for(imported, statics, index, scopes[outer], used)
            here = first(c.scope_set(kinds[outer], parameter) for c in parent) or here
            picked = any(c.reads_type(kinds[outer], parameter) for c in parent)
            if outer == direct_parent(path):
                popped = frozenset(k for c in parent for k in c.popped(kinds[outer], parameter))
        if isinstance(node.get(SCOPE_KEY), str) and node[SCOPE_KEY]:
            here = node[SCOPE_KEY]  # build_from_cfg switches to it for this dict and below
        scopes[path] = here
        catalogs = _catalogs_for(imported, statics, index, here, used)
        for problem in check_dict(cfg, path, node, catalogs, popped, picked):
            if problem.severity == ERROR and picked and problem.key == dotted((*path, TYPE_KEY)):
                problem = problem._replace(
                    severity=NOTE,
                    message=f"{problem.message} (the class taking this dict reads its type "
                    "itself, so it may not be a registry name)",
                )
            if problem.severity == ERROR and read and not read_by_runner(path[0], read):
                # Nothing builds a helper key's dicts (train_pipeline, albu_train_transforms)
                # unless a key the runner reads copies them, where they are checked again.
                problem = problem._replace(
                    severity=NOTE, message=f"{problem.message} (in {path[0]!r}, a helper key)"
                )
            found.append(problem)
    problems.extend(once(found))
    if references:
        problems.extend(
            Problem(
                s.severity,
                s.key,
                s.filename or OPTIONS,  # the variable was changed by an option
                s.lineno,
                s.message,
                s.suggestion,
                STALE_COPY,
            )
            for s in cfg.stale_references()
        )
    return problems


def static_index(
    cfg: Optional[Config] = None,
    scan: Sequence[str] = (),
    path: Optional[Sequence[str]] = None,
) -> Index:
    """The static index a config is checked against, read from source without importing.

    Scans each of ``scan`` (an import name or a source folder), the package named by the
    config's ``default_scope`` and the packages named by its ``custom_imports`` (each with the
    OpenMMLab packages it builds on); with no ``default_scope``, also every installed
    distribution that is mmengine or mmcv or requires them.

    Args:
        cfg: The config to be checked (its ``default_scope`` and ``custom_imports``).
        scan: Packages or folders to scan besides.
        path: Where packages are found (``sys.path`` by default).

    Raises:
        PackageNotFoundError: One of ``scan`` is neither an installed package nor a folder.
    """
    from cfgkit.index import Index  # lazy: only static checks read sources

    index = Index(path)
    index.scan_given(scan)
    scope = cfg.get(DEFAULT_SCOPE_KEY) if cfg is not None else None
    # What the config names is only ever a module name, never a folder to read.
    if isinstance(scope, str) and module_name(scope):
        index.scan_with_requirements(scope)
    for module in custom_imports(cfg):
        if not (module_name(module) and index.scan_with_requirements(module)):
            index.unfound_imports.append(module)
    if not (isinstance(scope, str) and scope):
        index.scan_openmmlab()  # the config could be built in any of them
    index.scan_parents()
    return index


def _catalogs_for(
    imported: list[Catalog],
    statics: dict[Optional[str], StaticCatalog],
    index: Optional[Index],
    scope: Optional[str],
    used: set[Optional[str]],
) -> list[Catalog]:
    """Where a dict built in ``scope`` is looked up: the imported registries, then the
    static index's registries of that scope (one catalog per scope, made when first needed;
    ``used``, the scopes the config builds in)."""
    if index is None:
        return imported
    if scope not in statics:
        if scope is not None:
            index.scan_scope(scope)  # building in a scope imports its registries
        statics[scope] = StaticCatalog(index, scope, used)
    return [*imported, statics[scope]]
