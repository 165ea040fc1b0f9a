"""Why a ``type`` is not found, and the line that fixes it, from sources never imported.

One diagnosis for the three places a missing type shows (a failed build, ``cfgkit check``,
``cfgkit why``): given a static :class:`~cfgkit.index.Index`, the name, the scope a build runs
in and the key path of the dict, :func:`diagnose` names the causes it can prove, each with a
line to paste:

1. ``not imported``: a module of the project (or of a scanned package) registers it, and
   nothing imports that module: the ``custom_imports`` line, and the folder that must be on
   ``sys.path``;
2. ``other scope``: the same registry of another scope has it: ``default_scope`` or a
   scoped type;
3. ``other registry``: another kind of registry has it (a transform under ``model``), and
   the key paths that registry builds;
4. ``spelling``: a name that differs in case or separators, a class registered under a
   ``name=`` alias, or close names, those of the registry that builds here first;
5. ``import fails``: the module that registers it imports a module that is not installed;
6. ``not registered``: a class of that name is defined, with no ``register_module``;
7. ``not installed``: the scope it names is no installed package.

The project is the folder tree a config lives in (the enclosing repository); only files
that contain the name are parsed, nothing is imported. Folders need not be packages nor
identifiers (``projects/CO-DETR``), as ``importlib.import_module`` does not need them to be.
"""

from __future__ import annotations

import os
import sys

from cfgkit._key_paths import dotted
from cfgkit._openmmlab import builders, builds_at, install_command, stem
from cfgkit._records import NamedTuple
from cfgkit.errors import close_names
from cfgkit.index._packages import STDLIB, find_package, read_source
from cfgkit.index._summary import summarise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

    from cfgkit._contracts import KeyPath
    from cfgkit.index._resolve import Index, StaticRegistry

__all__ = [
    "Cause",
    "Definition",
    "definitions",
    "diagnose",
    "either",
    "move_fix",
    "other_registry",
    "other_scope",
    "project_root",
    "render",
    "respellings",
    "respelt",
    "shown",
    "unique",
]

# Files that mark the top of a project, and folders a project scan never enters.
_PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")
_SKIPPED_FOLDERS = frozenset(
    {"__pycache__", "node_modules", "build", "dist", "site-packages", "work_dirs", "data"}
)
# A project scan reads at most this many source files' names (their text only when it
# contains the name).
_MAX_PROJECT_FILES = 20_000
# How many modules deep the imports of a registering module are followed.
_MAX_IMPORT_DEPTH = 200


class Cause(NamedTuple):
    """One reason a name is not found: its kind (one of the seven above), why, the fix to paste."""

    kind: str
    why: str
    fix: str


class Definition(NamedTuple):
    """Where a name is defined or registered, in the project or a scanned package.

    ``registry`` is the registry's ``scope::name`` (or the expression, when it cannot be
    resolved), empty for a class nothing registers; ``module`` the import name of the file.
    """

    name: str
    module: str
    filename: str
    lineno: int
    registry: str
    key: str
    root: str

    @property
    def at(self) -> str:
        """``file:line``, the file as :func:`shown`."""
        return f"{shown(self.filename)}:{self.lineno}"


def project_root(
    start: Optional[str], search_path: Optional[Sequence[str]] = None
) -> Optional[str]:
    """The project a file or folder belongs to, as the folder its modules are imported from.

    The nearest folder above ``start`` with ``.git``, ``pyproject.toml``, ``setup.py`` or
    ``setup.cfg``; within it, the deepest folder of ``search_path`` above ``start`` when
    there is one (``examples/`` when run from there). None when there is no such folder, or
    ``start`` lies in installed packages (a config inside ``site-packages``).
    """
    if not start:
        return None
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    parts = folder.split(os.sep)
    if "site-packages" in parts or "dist-packages" in parts:
        return None
    top = folder
    while not any(os.path.exists(os.path.join(top, m)) for m in _PROJECT_MARKERS):
        parent = os.path.dirname(top)
        if parent == top:
            return None
        top = parent
    entries = [os.path.abspath(e) for e in search_path or () if e and os.path.isdir(e)]
    inside = [
        e
        for e in entries
        if (folder == e or folder.startswith(e + os.sep))
        and (e == top or e.startswith(top + os.sep))
    ]
    return max(inside, key=len) if inside else top


def shown(filename: str) -> str:
    """A file name relative to the current folder when it lies below it, else as it is."""
    relative = os.path.relpath(filename)
    return filename if relative.startswith("..") else relative


class _Project:
    """The source files of a project folder that mention a name, summarised on demand."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.summaries: dict[str, tuple[str, bool, Any]] = {}
        self._files: Optional[list[tuple[str, str, bool]]] = None

    def files(self) -> list[tuple[str, str, bool]]:
        """``(module, file name, is a package)`` of every ``.py`` file below the root."""
        if self._files is not None:
            return self._files
        found: list[tuple[str, str, bool]] = []
        stack = [(self.root, "")]
        while stack and len(found) < _MAX_PROJECT_FILES:
            folder, module = stack.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            if module and any(e.name == "pyvenv.cfg" for e in entries):
                continue  # a virtual environment inside the project
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name in _SKIPPED_FOLDERS:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{module}.{name}" if module else name))
                elif name == "__init__.py":
                    if module:
                        found.append((module, entry.path, True))
                elif name.endswith(".py") and "." not in name[:-3]:
                    full = f"{module}.{name[:-3]}" if module else name[:-3]
                    found.append((full, entry.path, False))
        self._files = found
        return found

    def mentioning(self, name: str) -> Iterator[tuple[str, str, Any]]:
        """``(module, file name, summary)`` of each file whose text contains ``name``."""
        wanted = name.encode()
        for module, filename, is_package in self.files():
            source = read_source(filename)
            if source is not None and wanted in source:
                summary = self.summary(module, filename, is_package, source)
                if summary:
                    yield module, filename, summary

    def summary(
        self, module: str, filename: str, is_package: bool, source: Optional[bytes] = None
    ) -> Any:
        if module not in self.summaries:
            if source is None:
                source = read_source(filename) or b""
            self.summaries[module] = (filename, is_package, summarise(source, module, is_package))
        return self.summaries[module][2]

    def module(self, name: str) -> Optional[tuple[str, bool, Any]]:
        """The summary of a module of the project, by import name."""
        if name in self.summaries:
            return self.summaries[name]
        folder = os.path.join(self.root, *name.split("."))
        for filename, is_package in ((os.path.join(folder, "__init__.py"), True),
                                     (folder + ".py", False)):  # fmt: skip
            if os.path.isfile(filename):
                self.summary(name, filename, is_package)
                return self.summaries[name]
        return None


_PROJECTS: dict[str, _Project] = {}


def _project(root: Optional[str]) -> Optional[_Project]:
    return None if root is None else _PROJECTS.setdefault(root, _Project(root))


# -- what the sources say about a name ----------------------------------------------------


def _registered_names(entry: Any) -> list[str]:
    _, names, target, _, dynamic = entry
    if dynamic is not None:
        return []
    if names is not None:
        return [n for n in names if isinstance(n, str)]
    if isinstance(target, str):
        return [target.rpartition(".")[2]]
    return []


def _registry_of(index: Index, project: Optional[_Project], module: str, expression: str) -> str:
    """The key of the registry ``expression`` names in a project module (through its
    imports into scanned packages), or the expression itself."""
    summary = project.module(module) if project is not None else None
    if project is None or summary is None or not summary[2]:
        return index.registry_key(module, expression) or expression
    head, _, rest = expression.partition(".")
    imported = summary[2]["imports"].get(head)
    if imported is None:
        return expression
    source, attribute = imported
    target = ".".join(p for p in (attribute, rest) if p)
    key = index.registry_key(source, target) if target else None
    if key is None and target and project.module(source) is not None:
        return _registry_of(index, project, source, target)
    return key or expression


def definitions(
    index: Index,
    name: str,
    project_root_folder: Optional[str] = None,
    registries: Optional[dict[str, StaticRegistry]] = None,
) -> list[Definition]:
    """Where ``name`` is registered or defined as a class: every registration in the index,
    the classes of that name in scanned packages, and the files of the project that define
    or register it.

    Reading the project may find registries no scan found (toydet's, from a config built in
    toycore's scope): they are given in ``registries`` (with the index's), and left out of
    the index, whose lookups must not change with what a diagnosis read.
    """
    index.resolve()
    before = dict(index.registries)
    try:
        return _definitions(index, name, project_root_folder)
    finally:
        if registries is not None:
            registries.update(index.registries)
        index.registries.clear()
        index.registries.update(before)


def _definitions(index: Index, name: str, project_root_folder: Optional[str]) -> list[Definition]:
    found: list[Definition] = []
    seen: set[tuple[str, int]] = set()
    for key, names in index.registrations.items():
        for registration in names.get(name, ()):
            module = _module_of(index, registration.filename)
            found.append(
                Definition(name, module, registration.filename, registration.lineno,
                           _label(index, key), key, "")
            )  # fmt: skip
            seen.add((registration.filename, registration.lineno))
    for module, filename, summary in index.modules():
        line = _unregistered_class(summary, name) if summary else None
        if line is not None and (filename, line) not in seen:
            found.append(Definition(name, module, filename, line, "", "", ""))
    project = _project(project_root_folder)
    if project is not None:
        indexed = {d.filename for d in found}
        for module, filename, summary in project.mentioning(name):
            if filename in indexed or _module_of(index, filename):
                continue  # a scanned package's file: what it says is in the index
            for entry in summary["registrations"]:
                if name in _registered_names(entry):
                    key = _registry_of(index, project, module, entry[0])
                    found.append(
                        Definition(name, module, filename, entry[3], _label(index, key),
                                   key if key in index.registries else "", project.root)
                    )  # fmt: skip
            line = _unregistered_class(summary, name)
            if line is not None:
                found.append(Definition(name, module, filename, line, "", "", project.root))
    return found


def _unregistered_class(summary: Any, name: str) -> Optional[int]:
    """The line of the class ``name`` a file defines and does not register, or None."""
    definition = summary["defs"].get(name)
    if definition is None or definition[0] != "class" or _registers(summary, name):
        return None
    return int(definition[1])


def _registers(summary: Any, name: str) -> bool:
    """Tell whether a file registers ``name``, or the class ``name`` under another name."""
    targets = {e[2].rpartition(".")[2] for e in summary["registrations"] if isinstance(e[2], str)}
    return name in targets or any(name in _registered_names(e) for e in summary["registrations"])


# The module of each scanned file, for the last index asked (rebuilt when it scans more).
_MODULE_OF: list[Any] = [None, -1, {}]


def _module_of(index: Index, filename: str) -> str:
    """The import name of a scanned file, or ``''`` for a file no scanned package holds."""
    if _MODULE_OF[0] is not index or _MODULE_OF[1] != len(index.packages):
        _MODULE_OF[:] = [index, len(index.packages), {f: m for m, f, _ in index.modules()}]
    table: dict[str, str] = _MODULE_OF[2]
    return table.get(filename, "")


def _label(index: Index, key: str) -> str:
    registry = index.registries.get(key)
    return f"{registry.scope}::{registry.name}" if registry is not None else key


# -- imports that fail ----------------------------------------------------------------------


def missing_import(
    index: Index,
    module: str,
    project: Optional[_Project] = None,
    path: Optional[Sequence[str]] = None,
) -> Optional[tuple[str, str]]:
    """``(missing module, the module that imports it)`` when importing ``module`` would
    fail for a module that is not installed, following the imports of its own package."""
    top = module.partition(".")[0]
    pending = [module]
    seen: set[str] = set()
    while pending and len(seen) < _MAX_IMPORT_DEPTH:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        summary = _summary_of(index, project, current)
        for target in _imported_modules(summary) if summary is not None else ():
            if target.partition(".")[0] == top:
                if _summary_of(index, project, target) is not None:
                    pending.append(target)
                continue
            missing = _missing(target, path)
            if missing is not None:
                return missing, current
    return None


def _imported_modules(summary: Any) -> list[str]:
    """The modules a file imports: ``import m``, ``from m import *``, and ``from m import a``
    as both ``m`` and ``m.a`` (``a`` may be a submodule)."""
    imports = summary["imports"].values()
    return [
        *(m for m, _ in imports),
        *summary["stars"],
        *(f"{m}.{a}" for m, a in imports if a is not None),
    ]


def _summary_of(index: Index, project: Optional[_Project], module: str) -> Any:
    if project is not None:
        found = project.module(module)
        if found is not None:
            return found[2]
    info = index.module(module)
    return info.summary if info is not None and info.summary else None


def _missing(module: str, path: Optional[Sequence[str]]) -> Optional[str]:
    """The part of ``module`` that is not installed (its top level, or mmcv's compiled
    ops), or None."""
    import importlib.machinery  # lazy: as the module's other imports

    top = module.partition(".")[0]
    if top == "__future__" or top in sys.modules or top in STDLIB:
        return None
    try:
        # Any kind of module counts (a package, a .py file, a compiled extension).
        spec = importlib.machinery.PathFinder.find_spec(top, list(path or sys.path))
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return top
    folders = list(spec.submodule_search_locations or [])
    if top == "mmcv" and module.startswith("mmcv.ops") and folders:
        try:
            names = os.listdir(folders[0])
        except OSError:
            return None
        if not any(n.startswith("_ext") for n in names):
            return "mmcv._ext"
    return None


# -- the diagnosis --------------------------------------------------------------------------


def respellings(bare: str, names: Iterable[str]) -> list[str]:
    """The ``names`` that differ from ``bare`` only in case or separators (``_``, ``-``, space)."""
    wanted = _normalised(bare)
    return [n for n in names if n != bare and _normalised(n) == wanted]


def _normalised(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def _importable_module(project: Optional[_Project], index: Index, module: str) -> str:
    """The module to name in ``custom_imports``: the highest package whose ``__init__``
    imports (a chain down to) ``module``, as projects write it (``projects.CO-DETR.codetr``)."""
    current = module
    while "." in current:
        parent = current.rpartition(".")[0]
        summary = _summary_of(index, project, parent)
        if summary is None or current not in _imported_modules(summary):
            break
        current = parent
    return current


def diagnose(
    index: Index,
    name: str,
    scope: Optional[str],
    path: KeyPath = (),
    *,
    start: Optional[Sequence[str]] = None,
    project: Optional[str] = None,
    imported: Optional[Callable[[str], bool]] = None,
    search_path: Optional[Sequence[str]] = None,
    close_names: bool = False,
) -> list[Cause]:
    """Why a build in ``scope`` does not find ``type=name`` at ``path``, and the fixes.

    Args:
        index: The static index of the installed packages (scanned as a check scans them).
        name: The type as written (``'CoDETR'``, ``'mmpretrain.ConvNeXt'``).
        scope: The scope the build runs in (a config's ``default_scope``), or None for the
            root registries.
        path: The key path of the dict (which registry builds it, for causes 3 and 4).
        start: The registries the build searched (keys); by default those of ``scope``'s
            trees that build at ``path`` (or all of them).
        project: The project folder scanned for causes 1, 5 and 6 (:func:`project_root`).
        imported: Tell whether a module was imported (``sys.modules`` at build time); by
            default none was beyond the scanned packages.
        search_path: Where installed packages are found (``sys.path``).
        close_names: Give merely close names (did-you-mean) as a cause too, when nothing
            better is found (errors carry them already).

    Returns:
        The causes found, the likeliest first; empty when the sources say nothing.
    """
    index.resolve()
    was_imported = imported or (lambda module: False)
    scoped, bare = name.split(".", 1) if "." in name else ("", name)
    if scoped and _not_installed(index, scoped, search_path):
        return [_uninstalled(f"{name!r} names the scope {scoped!r}", scoped)]
    causes: list[Cause] = []
    if start is None and scope and _not_installed(index, scope, search_path):
        causes.append(_uninstalled(f"the build runs in scope {scope!r} (default_scope)", scope))
    building = builders(path)
    given = start is not None
    if start is None:
        start = index.build_registries(scope)
        start = index.building_at(path, start) or start
    start_stems = {stem(index.registries[k].name) for k in start if k in index.registries}
    reached = set(index.searched(start))
    if scoped:  # 'mmdet.X' is looked up in the registry of that scope in the same tree
        reached |= {k for k, r in index.registries.items() if r.scope == scoped}
    project_state = _project(project)
    registries: dict[str, StaticRegistry] = {}
    where = definitions(index, bare, project, registries)
    # The kinds of registry that build here: the registry searched, else those the key path
    # names (a pipeline's transforms, even where the scope has no transform registry).
    known = {stem(r.name) for r in registries.values()}
    wanted = (start_stems or building & known) if given else (building & known or start_stems)
    # Each place it is registered or defined: where the build looks (then its module was
    # not imported, or fails to import), another scope's registry of the same kind, another
    # kind of registry, or no registry at all.
    for found in where:
        if found.key and found.key in reached:
            if not was_imported(found.module):
                causes.append(_unimported(index, project_state, found, search_path))
        elif found.key and wanted:
            registry = registries[found.key]
            label = f"{found.registry}, {found.at}"
            if stem(registry.name) not in wanted:
                names = {n for n in (index.registries[k].name for k in start) if stem(n) in wanted}
                kinds = either(sorted(names or wanted))
                causes.append(other_registry(found.name, registry.name, label, path, kinds, kinds))
            elif registry.scope != scope:
                searched = scope or ", ".join(
                    dict.fromkeys(index.registries[k].scope for k in start)
                )
                causes.append(other_scope(bare, registry.scope, label, searched))
        elif found.registry and not found.key and not was_imported(found.module):
            # A registry the sources cannot resolve (its package is not on the path): only
            # when it is named like one the build searched (MODELS for a model).
            variables = {k.rpartition(":")[2] for k in start}
            if found.registry.rpartition(".")[2] in variables:
                causes.append(_unimported(index, project_state, found, search_path))
        elif not found.registry:
            causes.append(_unregistered(index, found, start, path))
    # 4: spelt differently (a merely close name only when nothing better was found)
    causes.extend(
        c
        for c in _spelling(index, bare, start, path)
        if c.why[:1] != "~" or (close_names and not causes)
    )
    return [c._replace(why=c.why.lstrip("~")) for c in unique(causes)]


# The causes the live registries (registry/_doctor.py) find too, worded once.


def other_scope(bare: str, scope: str, where: str, searched: str) -> Cause:
    """``bare`` is registered in ``scope`` (``where``: its registry, its line), not in the
    scope (or scopes) ``searched``."""
    return Cause(
        "other scope",
        f"{bare!r} is registered in scope {scope!r} ({where}), not in scope {searched!r} "
        "where the build looks",
        f"default_scope = {scope!r}  # or type='{scope}.{bare}'",
    )


def other_registry(
    name: str, kind: str, where: str, path: KeyPath, built_from: str, use: str
) -> Cause:
    """``name`` is a ``kind`` (``where``: its registry, its line), but the dict at ``path`` is
    built from the ``built_from`` registry, which takes a ``use``."""
    return Cause(
        "other registry",
        f"{name!r} is a {kind} ({where}), but {dotted(path) or 'this dict'} is built from the "
        f"{built_from} registry",
        move_fix([kind], use),
    )


def move_fix(kinds: Sequence[str], use: str) -> str:
    """The fix for a dict of one of ``kinds`` under a key path that builds a ``use``."""
    places = list(dict.fromkeys(p for k in kinds for p in builds_at(k)))
    text = " or ".join(kinds)
    at = f" (the {text} registry builds {', '.join(places)})" if places else ""
    return f"move this dict where a {text} is built{at}, or use a {use} here"


def respelt(bare: str, registered: str, how: str) -> Cause:
    """``bare`` is registered as ``registered``, which differs as ``how`` says."""
    return Cause(
        "spelling", f"{bare!r} is registered as {registered!r} ({how})", f"type={registered!r}"
    )


def either(names: Sequence[str]) -> str:
    """``'a'``, ``'a or b'``, ``'a, b or c'``."""
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _uninstalled(what: str, scope: str) -> Cause:
    return Cause(
        "not installed", f"{what}, and no package {scope!r} is installed", install_command(scope)
    )


def _not_installed(index: Index, scope: str, search_path: Optional[Sequence[str]]) -> bool:
    """Tell whether ``scope`` names no registry scope here and no installed package."""
    return (
        scope not in index.scopes()
        and scope.isidentifier()
        and find_package(scope, search_path) is None
    )


def _unimported(
    index: Index,
    project: Optional[_Project],
    found: Definition,
    search_path: Optional[Sequence[str]],
) -> Cause:
    state = project if found.root else None  # only a project's module is read there
    failing = missing_import(index, found.module, state, search_path)
    registered = f"{found.name!r} is registered in {found.registry} by {found.at}"
    if failing is None:
        root = shown(found.root) if found.root else ""  # a project's folder, else none
        where_from = f" (with {root!r} on sys.path, e.g. PYTHONPATH={root})" if root else ""
        module = _importable_module(state, index, found.module)
        return Cause(
            "not imported",
            f"{registered}, a module nothing imports{where_from}",
            f"custom_imports = dict(imports=[{module!r}], allow_failed_imports=False)",
        )
    missing, importer = failing
    if missing == "mmcv._ext":
        why_missing = (
            "mmcv is installed without its compiled ops (mmcv-lite, or built without "
            "MMCV_WITH_OPS=1)"
        )
        fix = "mim install mmcv  # the full mmcv, with mmcv.ops"
    else:
        why_missing = f"ModuleNotFoundError: No module named {missing!r}"
        fix = install_command(missing)
    return Cause(
        "import fails",
        f"{registered}, but importing {found.module} fails: {why_missing} (imported by "
        f"{importer}); allow_failed_imports=True or a registry's locations import hides this",
        fix,
    )


def _unregistered(index: Index, found: Definition, start: Sequence[str], path: KeyPath) -> Cause:
    chosen = index.building_at(path, start) or start
    registry = index.registries[chosen[0]] if chosen else None
    if registry is None:
        fix = "@MODELS.register_module()  # above the class, MODELS the registry that builds it"
        into = "a registry"
    else:
        module, _, variable = registry.key.partition(":")
        if module.endswith(".root"):  # mmengine.registry.root: imported from mmengine.registry
            module = module.rpartition(".")[0]
        line = f"from {module} import {variable}"
        fix = f"{line}; @{variable}.register_module()  # above class {found.name}"
        into = f"{registry.scope}::{registry.name}"
    return Cause(
        "not registered",
        f"class {found.name} is defined at {found.at}, but nothing registers it (it belongs "
        f"in {into})",
        fix,
    )


def _spelling(index: Index, bare: str, start: Sequence[str], path: KeyPath) -> list[Cause]:
    here = index.searched(start)
    ranked = index.building_at(path, here) or here
    names = index.names(ranked)
    same = respellings(bare, names)
    if same:
        return [respelt(bare, same[0], "case or separators differ")]
    for key in ranked:
        for registered, entries in index.registrations.get(key, {}).items():
            for entry in entries:
                target = entry.target
                if (
                    registered != bare
                    and isinstance(target, tuple)
                    and isinstance(target[1], str)
                    and target[1].rpartition(".")[2] == bare
                ):
                    return [
                        Cause(
                            "spelling",
                            f"class {bare} is registered under the name {registered!r} "
                            f"(register_module(name=...), {entry.filename}:{entry.lineno})",
                            f"type={registered!r}",
                        )
                    ]
    close = close_names(bare, names) or close_names(bare, index.names(here))
    if close:
        listed = " or ".join(map(repr, close))
        return [Cause("spelling", f"~{bare!r} is close to {listed}", f"type={close[0]!r}")]
    # Close to a name of another scope of the same tree ('Mask2Formr' built in mmengine's).
    roots = {index.root(k) for k in start}
    kinds = {stem(index.registries[k].name) for k in start}
    for key, registry in sorted(index.registries.items()):
        if key in here or index.root(key) not in roots or stem(registry.name) not in kinds:
            continue
        close = close_names(bare, index.registrations.get(key, {}))
        if close:
            return [
                Cause(
                    "spelling",
                    f"~{bare!r} is close to {close[0]!r}, registered in scope {registry.scope!r}",
                    f"type='{registry.scope}.{close[0]}'  # or default_scope = "
                    f"{registry.scope!r} and type={close[0]!r}",
                )
            ]
    return []


def unique(causes: list[Cause]) -> list[Cause]:
    """Each cause once: the first of those with the same kind and fix."""
    first: dict[tuple[str, str], Cause] = {}
    for cause in causes:
        first.setdefault((cause.kind, cause.fix), cause)
    return list(first.values())


def render(causes: Sequence[Cause], indent: str = "") -> str:
    """The causes as lines: ``why (cause): ...`` then ``fix: ...``."""
    return "\n".join(f"{indent}why ({c.kind}): {c.why}\n{indent}fix: {c.fix}" for c in causes)
