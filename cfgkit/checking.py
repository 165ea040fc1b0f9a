"""Check a config before anything is built: unknown types, bad keywords, wrong value types.

Every dict with a ``type`` is looked up in the registries (without the import fallback of
``Registry.get``), and its keys are compared with the signature of what it would build.
Nothing is constructed, and nothing is imported beyond the registries' ``locations``.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from cfgkit.config import Config
from cfgkit.config.lazy import LAZY_TYPES
from cfgkit.config.provenance import last_written
from cfgkit.config.references import RUNNER_KEYS, read_by_runner, runner_keys
from cfgkit.errors import PackageNotFoundError, did_you_mean
from cfgkit.key_paths import dotted
from cfgkit.keys import CUSTOM_IMPORTS_KEY, DEFAULT_SCOPE_KEY, DELETE_KEY, SCOPE_KEY, TYPE_KEY
from cfgkit.records import NamedTuple
from cfgkit.registry.registry import Registry, all_registries

if typing.TYPE_CHECKING:
    from cfgkit.index.resolve import Index, Registration
    from cfgkit.key_paths import KeyPath

__all__ = [
    "ERROR",
    "NOTE",
    "WARNING",
    "Problem",
    "check",
    "default_registries",
    "format_problems",
    "static_index",
]

ERROR = "error"
WARNING = "warning"
NOTE = "note"
# Keys of a config dict that are for the builder, not the constructor.
_BUILD_KEYS = frozenset({TYPE_KEY, SCOPE_KEY, DELETE_KEY})
_SIMPLE_TYPES = (int, float, str, bool)


class Problem(NamedTuple):
    """One mistake found in a config.

    Attributes:
        severity: ``'error'`` (the build would fail), ``'warning'`` (a value contradicts an
            annotation, or a stale copy the runner reads) or ``'note'`` (a required
            argument the config does not give, which the caller may still pass through
            ``default_args``; a stale copy in a helper key).
        key: The dotted key path of the offending key or dict.
        filename: The file that wrote it.
        lineno: The line in ``filename``.
        message: What is wrong.
        suggestion: How to fix it ("Did you mean 'ResNet'?"), or ``''``.
    """

    severity: str
    key: str
    filename: Optional[str]
    lineno: Optional[int]
    message: str
    suggestion: str = ""

    def __str__(self) -> str:
        return self.format()

    def format(self, show_path: Callable[[str], str] = str) -> str:
        """``FILE:LINE: KEY: severity: message``; without ``FILE:LINE:`` when the file is unknown.

        Args:
            show_path: How to write the filename (the command shortens it).
        """
        where = f"{show_path(self.filename)}:{self.lineno or 0}: " if self.filename else ""
        return f"{where}{self.key}: {self.severity}: {self.text}"

    @property
    def text(self) -> str:
        """The message, and the suggestion when there is one."""
        return f"{self.message}. {self.suggestion}" if self.suggestion else self.message

    def __repr__(self) -> str:
        return f"<Problem {self}>"


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
    imported: list[_Catalog] = []
    if index is None or registries is not None:
        chosen = list(registries) if registries is not None else default_registries(cfg)
        imported.append(_Registries(chosen, imports))
    problems: list[Problem] = []
    statics: dict[Optional[str], _StaticCatalog] = {}
    if index is not None:
        statics[scope] = _StaticCatalog(index, scope)
        problems.extend(statics[scope].preamble(cfg))
    kinds: dict[KeyPath, Any] = {}
    scopes: dict[KeyPath, Optional[str]] = {}
    tree = cfg.to_dict()
    used = _scopes_used(tree, index)
    read = runner_keys(tree)
    if read is None and index is not None:
        # A fragment read from an OpenMMLab project (a base with only `unet = dict(...)`):
        # its keys count as a runner would read them once a config includes it.
        read = RUNNER_KEYS
    found: list[Problem] = []
    for path, node in _typed_dicts(tree):
        kinds[path] = node[TYPE_KEY]
        enclosing = _enclosing(path, kinds)
        here = scope if enclosing is None else scopes[enclosing[0]]
        popped: frozenset[str] = frozenset()
        picked = False  # the enclosing class may pick this dict's class itself
        if enclosing is not None and isinstance(kinds[enclosing[0]], str):
            outer, parameter = enclosing
            parent = _catalogs(imported, statics, index, scopes[outer])
            here = _first(c.scope_set(kinds[outer], parameter) for c in parent) or here
            picked = any(c.reads_type(kinds[outer], parameter) for c in parent)
            if outer == _direct_parent(path):
                popped = frozenset(k for c in parent for k in c.popped(kinds[outer], parameter))
        if isinstance(node.get(SCOPE_KEY), str) and node[SCOPE_KEY]:
            here = node[SCOPE_KEY]  # build_from_cfg switches to it for this dict and below
        scopes[path] = here
        catalogs = _catalogs(imported, statics, index, here)
        for catalog in catalogs:
            if isinstance(catalog, _StaticCatalog):
                catalog.other_scopes = used
        for problem in _check_dict(cfg, path, node, catalogs, popped, picked):
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
    problems.extend(_once(found))
    if references:
        problems.extend(
            Problem(s.severity, s.key, s.filename, s.lineno, s.message, s.suggestion)
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
    from cfgkit.index.resolve import Index  # lazy: only static checks read sources

    index = Index(path)
    for name in scan:
        if not index.scan_with_requirements(name):
            raise PackageNotFoundError(
                f"cannot scan {name!r}: no package of that name is installed and no such "
                "folder exists"
            )
    scope = cfg.get(DEFAULT_SCOPE_KEY) if cfg is not None else None
    # What the config names is only ever a module name, never a folder to read.
    if isinstance(scope, str) and _module_name(scope):
        index.scan_with_requirements(scope)
    for module in _custom_imports(cfg):
        if not (_module_name(module) and index.scan_with_requirements(module)):
            index.unfound_imports.append(module)
    if not (isinstance(scope, str) and scope):
        index.scan_openmmlab()  # the config could be built in any of them
    index.scan_parents()
    return index


def format_problems(
    problems: Sequence[Problem], style: str = "text", show_path: Callable[[str], str] = str
) -> str:
    """The problems as ``cfgkit check`` prints them.

    Args:
        problems: What :func:`check` found.
        style: ``'text'`` (a ``FILE:LINE: KEY: severity: message`` line each), ``'json'`` (a
            list of objects with ``severity``, ``key``, ``file``, ``line``, ``message`` and
            ``suggestion``) or ``'github'`` (GitHub Actions workflow commands, which show each
            problem on the line of the pull request's diff).
        show_path: How to write file names (the command makes them relative).
    """
    if style == "json":
        import json  # lazy: only for --format json

        rows = [
            {
                "severity": p.severity,
                "key": p.key,
                "file": show_path(p.filename) if p.filename else None,
                "line": p.lineno,
                "message": p.message,
                "suggestion": p.suggestion,
            }
            for p in problems
        ]
        return json.dumps(rows, indent=2) + "\n"
    if style == "github":
        return "".join(_annotation(p, show_path) + "\n" for p in problems)
    return "".join(p.format(show_path) + "\n" for p in problems)


_GITHUB_LEVELS = {ERROR: "error", WARNING: "warning", NOTE: "notice"}


def _annotation(problem: Problem, show_path: Callable[[str], str]) -> str:
    """``::error file=F,line=L,title=KEY::message``, escaped as GitHub's toolkit does."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    fields = []
    if problem.filename:
        fields.append(f"file={prop(show_path(problem.filename))}")
        if problem.lineno:
            fields.append(f"line={problem.lineno}")
    fields.append(f"title={prop(problem.key)}")
    return f"::{_GITHUB_LEVELS[problem.severity]} {','.join(fields)}::{data(problem.text)}"


def _once(problems: list[Problem]) -> list[Problem]:
    """Each mistake once: a dict written once and copied (``train_pipeline`` into
    ``train_dataloader.dataset.pipeline``) is reported at its most severe copy."""
    rank = {ERROR: 0, WARNING: 1, NOTE: 2}
    best: dict[tuple[Any, ...], int] = {}
    for number, problem in enumerate(problems):
        if problem.filename is None:
            continue
        text = problem.message.partition(" (in '")[0]
        where = (problem.filename, problem.lineno, problem.key.rpartition(".")[2], text)
        kept = best.get(where)
        if kept is None or rank[problem.severity] < rank[problems[kept].severity]:
            best[where] = number
    keep = set(best.values())
    return [p for n, p in enumerate(problems) if p.filename is None or n in keep]


def _module_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def _custom_imports(cfg: Optional[Config]) -> list[str]:
    if cfg is None:
        return []
    custom = cfg.get(CUSTOM_IMPORTS_KEY)
    names = custom.get("imports") if isinstance(custom, dict) else None
    if isinstance(names, str):
        return [names]
    return [n for n in names if isinstance(n, str)] if isinstance(names, (list, tuple)) else []


def default_registries(cfg: Config) -> list[Registry]:
    """The imported registries a config is checked against: those of its ``default_scope``,
    or every registry when it has none (or none of that scope exists)."""
    everything = all_registries()
    scope = cfg.get(DEFAULT_SCOPE_KEY)
    chosen = [r for r in everything if r.scope == scope] if isinstance(scope, str) else []
    return chosen or everything


# Where a `type` is not a registry name: the subtree is not checked (see docs/check.md).
_NOT_REGISTRY_KEYS = frozenset(
    {
        "nms",  # test_cfg.*.nms: mmcv.ops picks nms / soft_nms by name
        "roi_layer",  # RoI extractors take the op from mmcv.ops by name (RoIAlign)
        "dataset_info",  # pose keypoint metadata: type='upper' / 'lower'
        "metainfo",
    }
)
# Types that name an mmcv.ops function, not a registered class (mmdet's nms configs).
_OPS_NAMES = frozenset({"nms", "soft_nms", "nms_rotated", "batched_nms"})
# Transforms that hand their sub-dicts to another library: albumentations' wrappers
# (mmdet's Albu, mmpretrain's Albumentations, mmpose's Albumentation) by name.
_FOREIGN_PREFIX = "albu"


def _builder_keys(path: KeyPath) -> frozenset[str]:
    """Keys a builder pops from the dict at ``path`` before calling the constructor."""
    keys: set[str] = set()
    names = [p for p in path if isinstance(p, str)]
    if names and (names[-1] == "optim_wrapper" or (len(path) == 2 and path[0] == "optim_wrapper")):
        keys.update(("constructor", "paramwise_cfg"))  # the optimizer wrapper constructor's
    if path == ("optimizer",):
        keys.update(("constructor", "paramwise_cfg"))  # mmcv 1.x's build_optimizer
    if len(path) == 2 and path[0] in ("custom_hooks", "default_hooks"):
        keys.add("priority")  # Runner.register_hook
    if names and names[-1].endswith("norm_cfg"):
        keys.add("requires_grad")  # mmcv's build_norm_layer
    if path and path[0] == "param_scheduler":
        keys.add("convert_to_iter_based")  # the runner's scheduler builder
    return frozenset(keys)


def _builder_arguments(path: KeyPath) -> frozenset[str]:
    """Arguments the builder of the dict at ``path`` passes itself (``default_args``)."""
    names = [p for p in path if isinstance(p, str)]
    if len(path) == 1 and path[0] in ("train_cfg", "val_cfg", "test_cfg"):
        return frozenset(("runner", "dataloader", "evaluator"))  # Runner.build_*_loop
    if names and names[-1] == "sampler":
        return frozenset(("dataset", "seed"))  # Runner.build_dataloader
    if names and names[-1] == "batch_sampler":
        return frozenset(("sampler", "batch_size", "drop_last"))
    if path and path[0] == "param_scheduler":
        return frozenset(("optimizer", "epoch_length"))
    if len(path) >= 2 and path[-2] == "vis_backends":
        return frozenset(("save_dir",))  # the visualizer gives its save_dir
    if names and names[-1] == "model_wrapper_cfg":
        return frozenset(("module",))
    return frozenset()


def _typed_dicts(tree: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    if isinstance(tree, dict):
        if path and path[-1] in _NOT_REGISTRY_KEYS:
            return
        if TYPE_KEY in tree:
            yield path, tree
            kind = tree[TYPE_KEY]
            if isinstance(kind, str) and kind.rpartition(".")[2].lower().startswith(
                _FOREIGN_PREFIX
            ):
                return
        for key, value in tree.items():
            yield from _typed_dicts(value, (*path, key))
    elif isinstance(tree, (list, tuple)):
        for index, value in enumerate(tree):
            yield from _typed_dicts(value, (*path, index))


def _catalogs(
    imported: list[_Catalog],
    statics: dict[Optional[str], _StaticCatalog],
    index: Optional[Index],
    scope: Optional[str],
) -> list[_Catalog]:
    """Where a dict built in ``scope`` is looked up: the imported registries, then the
    static index's registries of that scope (one catalog per scope, made when first needed)."""
    if index is None:
        return imported
    if scope not in statics:
        # Building in a scope imports its registries: read that package's instead.
        unread = scope is not None and scope not in index.scopes() and _module_name(scope)
        if unread and index.scan_with_requirements(scope):  # type: ignore[arg-type]
            index.scan_parents()
        statics[scope] = _StaticCatalog(index, scope)
    return [*imported, statics[scope]]


def _scopes_used(tree: Any, index: Optional[Index]) -> set[Optional[str]]:
    """The scopes a config names besides its default: ``_scope_`` values, and the scopes
    of ``scope.Name`` types."""
    if index is None:
        return set()
    found: set[Optional[str]] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            scope = node.get(SCOPE_KEY)
            if isinstance(scope, str):
                found.add(scope)
            kind = node.get(TYPE_KEY)
            if isinstance(kind, str) and "." in kind and _module_name(kind.partition(".")[0]):
                found.add(kind.partition(".")[0])
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return found


def _first(values: Iterable[Optional[str]]) -> Optional[str]:
    return next((v for v in values if v), None)


def _enclosing(path: KeyPath, kinds: dict[KeyPath, Any]) -> Optional[tuple[KeyPath, str]]:
    """The nearest typed dict above ``path`` and the key of it that holds ``path``."""
    for cut in range(len(path) - 1, -1, -1):
        if path[:cut] in kinds:
            key = path[cut]
            return (path[:cut], key) if isinstance(key, str) else None
    return None


def _direct_parent(path: KeyPath) -> KeyPath:
    """The dict whose key holds the dict at ``path`` (through one list: ``loss=[...]``)."""
    if path and isinstance(path[-1], int):
        path = path[:-1]
    return path[:-1]


def _where(cfg: Config, path: KeyPath) -> tuple[Optional[str], Optional[int]]:
    """The file and line that last wrote ``path`` (a key or a dict)."""
    return last_written(cfg.provenance(path))


def _problem(
    cfg: Config, severity: str, path: KeyPath, message: str, suggestion: str = ""
) -> Problem:
    filename, lineno = _where(cfg, path)
    return Problem(severity, dotted(path), filename, lineno, message, suggestion)


class _Signature(NamedTuple):
    """What a type builds takes: keyword names, whether ``**kwargs``, the required ones."""

    label: str
    accepted: list[str]
    takes_any: bool
    required: list[str]
    hints: dict[str, Any]
    defaults: dict[str, Any]


class _Catalog:
    """Where types are looked up: imported registries, or a static index."""

    def find(self, kind: str) -> Optional[list[Optional[_Signature]]]:
        """The signatures of what ``kind`` may build (None for unknown ones), or None when
        ``kind`` is registered nowhere searched."""
        raise NotImplementedError

    def unknown(self, cfg: Config, path: KeyPath, kind: str) -> Optional[Problem]:
        """The problem of a ``kind`` :meth:`find` did not find (None: nothing to say)."""
        raise NotImplementedError

    def names(self) -> list[str]:
        raise NotImplementedError

    def popped(self, kind: str, parameter: str) -> set[str]:
        """Keys what ``kind`` builds takes out of its dict argument ``parameter``."""
        return set()

    def scope_set(self, kind: str, parameter: str) -> Optional[str]:
        """The scope what ``kind`` builds sets on its dict argument ``parameter``."""
        return None

    def reads_type(self, kind: str, parameter: str) -> bool:
        """Tell whether what ``kind`` builds reads its ``parameter`` dict's type itself."""
        return False


class _Registries(_Catalog):
    def __init__(self, registries: Sequence[Registry], imports: bool) -> None:
        self.registries = registries
        self.imports = imports

    def find(self, kind: str) -> Optional[list[Optional[_Signature]]]:
        """Found exactly where ``Registry.build`` finds it (:meth:`Registry.lookup`),
        without the import fallback."""
        for registry in self.registries:
            found = registry.lookup(kind, self.imports)
            if found is not None:
                return [_runtime_signature(found)]
        return None

    def unknown(self, cfg: Config, path: KeyPath, kind: str) -> Optional[Problem]:
        if _importable_path(kind, {r.scope for reg in self.registries for r in reg.root.walk()}):
            return _path_note(cfg, path, kind)
        where = ", ".join(sorted({f"{r.scope}::{r.name}" for r in self.registries})) or "none"
        return _problem(
            cfg,
            ERROR,
            (*path, TYPE_KEY),
            f"{kind!r} is not registered in the registries searched ({where})",
            did_you_mean(kind.rpartition(".")[2], self.names()),
        )

    def names(self) -> list[str]:
        names: dict[str, None] = {}
        for registry in self.registries:
            names.update(dict.fromkeys(registry.visible_names()))
        return list(names)


class _StaticCatalog(_Catalog):
    def __init__(self, index: Index, scope: Optional[str]) -> None:
        self.index = index
        self.scope = scope
        index.resolve()
        start = index.in_scope(scope)
        # The scope has no registry here: one warning says so, and types are not judged.
        self.blind = bool(scope) and not start
        # The scopes the scope's registries inherit from, for messages.
        self.inherited = list(dict.fromkeys(r.scope for k in start for r in index.ancestors(k)))
        if scope is not None:
            # Registry.build switches to the registry of the default scope in its tree, and
            # stays in the registry it was called on (a root) where the tree has none.
            covered = {index.root(k) for k in start}
            start = start + [k for k in index.roots() if k not in covered]
        self.searched = self._with_ancestors(start)
        self._found: dict[str, Optional[list[Registration]]] = {}
        # The other scopes the config builds in: set by check() for the whole config.
        self.other_scopes: set[Optional[str]] = set()

    def _with_ancestors(self, keys: Sequence[str]) -> list[str]:
        searched: dict[str, None] = {}
        for key in keys:
            searched.update((r.key, None) for r in self.index.ancestors(key))
        return list(searched)

    def preamble(self, cfg: Config) -> list[Problem]:
        problems = []
        scanned = ", ".join(self.index.packages) or "nothing"
        if self.blind:
            problems.append(
                _problem(
                    cfg,
                    WARNING,
                    (DEFAULT_SCOPE_KEY,),
                    f"no registry of scope {self.scope!r} was found (scanned: {scanned}), so "
                    "types were not checked",
                    f"Install {self.scope}, or pass --scan FOLDER (its sources) or --import "
                    "MODULE (to import its registries)",
                )
            )
        for module in self.index.unfound_imports:
            problems.append(
                _problem(
                    cfg,
                    WARNING,
                    (CUSTOM_IMPORTS_KEY,),
                    f"custom import {module!r} was not found, so what it registers is unknown "
                    "(unknown types are notes)",
                    "Run from the folder it is imported from, or pass --scan FOLDER",
                )
            )
        return problems

    def find(self, kind: str) -> Optional[list[Optional[_Signature]]]:
        found = self._lookup(kind)
        if found is None:
            return None
        label = kind.rpartition(".")[2]
        return [self._signature(label, r) for r in found]

    def _lookup(self, kind: str) -> Optional[list[Registration]]:
        """What ``kind`` names, found as ``Registry.get`` finds it: in the registries of the
        scope and their parents, and a ``scope.Name`` in that scope's registries of the same
        trees (scanning that scope's package when it is installed, as build imports it)."""
        if kind in self._found:
            return self._found[kind]
        found = self._registrations(kind, self.searched)
        scope, _, name = kind.partition(".")
        if found is None and name:
            if (
                scope not in self.index.scopes()
                and _module_name(scope)
                and self.index.scan_with_requirements(scope)
            ):
                self.index.scan_parents()
                self.index.resolve()
            found = self._registrations(name, self._in_trees(scope))
        if found is None and name:
            # Not registered: build imports a dotted type as a path (mmengine's get falls
            # back to it), so what the path names in the sources is what gets built.
            at_path = self.index.at_path(kind)
            found = [at_path] if at_path is not None else None
        self._found[kind] = found
        return found

    def popped(self, kind: str, parameter: str) -> set[str]:
        keys: set[str] = set()
        for registration in self._lookup(kind) or ():
            keys.update(self.index.popped(registration, parameter))
        return keys

    def scope_set(self, kind: str, parameter: str) -> Optional[str]:
        return _first(self.index.scope_set(r, parameter) for r in self._lookup(kind) or ())

    def reads_type(self, kind: str, parameter: str) -> bool:
        return any(self.index.reads_type(r, parameter) for r in self._lookup(kind) or ())

    def _registrations(self, name: str, keys: Sequence[str]) -> Optional[list[Registration]]:
        found: list[Registration] = []
        for key in keys:
            found.extend(self.index.registrations.get(key, {}).get(name, ()))
        return found or None

    def _signature(self, label: str, registration: Registration) -> Optional[_Signature]:
        parameters = self.index.parameters(registration)
        if parameters is None:
            return None
        names, required, takes_any = parameters
        target = registration.target
        if target[0] != "params":
            label = self.index.original_name(target[0], target[1])  # its __name__
        return _Signature(label, list(names), takes_any, list(required), {}, {})

    def unknown(self, cfg: Config, path: KeyPath, kind: str) -> Optional[Problem]:
        if self.blind:
            return None
        scope = kind.partition(".")[0] if "." in kind else None
        if scope is not None and scope not in self.index.scopes():
            if _importable_path(kind, ()):
                return _path_note(cfg, path, kind)
            return _problem(
                cfg,
                NOTE,
                (*path, TYPE_KEY),
                f"{kind!r} names the scope {scope!r}, which is not installed here, so it was "
                "not checked (build would import it)",
            )
        suggestion = did_you_mean(kind.rpartition(".")[2], self.names())
        dynamic = self._dynamic(kind, path)
        if dynamic is not None:
            registry, module, lineno = dynamic
            return _problem(
                cfg,
                NOTE,
                (*path, TYPE_KEY),
                f"{kind!r} is not among the names registered in the sources, but the "
                f"{registry} registry also registers names at run time ({module}, line "
                f"{lineno}), so it may exist",
                suggestion,
            )
        if self.index.unfound_imports:
            return _problem(
                cfg,
                NOTE,
                (*path, TYPE_KEY),
                f"{kind!r} is not registered in the scanned packages; it may come from a "
                f"custom import that was not found ({', '.join(self.index.unfound_imports)})",
                suggestion,
            )
        elsewhere = self._in_other_scope(kind)
        if elsewhere is not None:
            return _problem(
                cfg,
                NOTE,
                (*path, TYPE_KEY),
                f"{kind!r} is not registered in scope {self.scope!r} but in {elsewhere!r}, "
                "which this config also builds in (a dict handed to a class built there is "
                "built there too)",
                suggestion,
            )
        return _problem(cfg, ERROR, (*path, TYPE_KEY), self._unknown_text(kind), suggestion)

    def _in_other_scope(self, kind: str) -> Optional[str]:
        """A scope the config also builds in (``_scope_='mmdet'``, ``type='mmdet.X'``) whose
        registries of the same trees have ``kind``."""
        for scope in sorted(s for s in self.other_scopes - {self.scope} if s):
            if self._registrations(kind, self._in_trees(scope)):
                return scope
        return None

    def _in_trees(self, scope: str) -> list[str]:
        """The registries of ``scope`` in the trees searched, and their parents: where
        ``Registry.get`` looks a ``scope.Name`` up (``root._search_child(scope)``)."""
        roots = {self.index.root(k) for k in self.searched}
        keys = [k for k in self.index.in_scope(scope) if self.index.root(k) in roots]
        return self._with_ancestors(keys)

    def _unknown_text(self, kind: str) -> str:
        if self.scope is None:
            scopes = dict.fromkeys(self.index.registries[k].scope for k in self.searched)
            return f"{kind!r} is not registered in any scanned package ({', '.join(scopes)})"
        inherited = [s for s in self.inherited if s != self.scope]
        also = f" or the scopes it builds on ({', '.join(inherited)})" if inherited else ""
        return f"{kind!r} is not registered in scope {self.scope!r}{also}"

    def _dynamic(self, kind: str, path: KeyPath) -> Optional[tuple[str, str, int]]:
        """A registry searched that registers names at run time and could hold ``kind``:
        one whose run-time names start with a known prefix ``kind`` has, or, for names
        nothing is known of, one that builds the dict at this key path (:func:`_builders`:
        the optimizer registry for ``optim_wrapper.optimizer``, the model registry under
        ``model``): one such registry does not make every unknown name a maybe."""
        builders = _builders(path)
        for key in self.searched:
            for prefix, module, lineno in self.index.runtime_registrations(key):
                registry = self.index.registries[key]
                if prefix and kind.startswith(prefix):
                    return registry.name, module, lineno
                if not prefix and _stem(registry.name) in builders:
                    return registry.name, module, lineno
        return None

    def names(self) -> list[str]:
        return self.index.names(self.searched)


# Which registries build the dicts under a top-level key (mmengine's registry names), as
# its Runner and the models it builds use them.
_BUILT_UNDER = {
    "model": ("model", "task util", "weight initializer"),
    "optim_wrapper": ("optim_wrapper", "optimizer wrapper constructor"),
    "param_scheduler": ("parameter scheduler",),
    "default_hooks": ("hook",),
    "custom_hooks": ("hook",),
    "visualizer": ("visualizer",),
    "vis_backends": ("vis_backend",),
    "log_processor": ("log_processor",),
    "train_cfg": ("loop",),
    "val_cfg": ("loop",),
    "test_cfg": ("loop",),
    "model_wrapper_cfg": ("model_wrapper",),
    "strategy": ("strategy",),
}
# Keys that name what builds the dicts below them, at any depth.
_BUILT_BY_KEY = {
    "dataset": ("dataset",),
    "datasets": ("dataset",),
    "sampler": ("data sampler",),
    "batch_sampler": ("data sampler",),
    "collate_fn": ("function",),
    "pipeline": ("transform",),
    "transforms": ("transform",),
}


def _builders(path: KeyPath) -> set[str]:
    """The stems of the registries that may build the dict at ``path``: by the top-level
    key (everything under ``model`` is built by the model registry and its helpers), by a
    key on the way that names its builder (``dataset``, ``pipeline``, ``*_pipeline``), and
    by the last key itself (``optimizer``, ``diffusion_scheduler``)."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return set()
    found = {_stem(keys[-1])}
    top = keys[0]
    names = list(_BUILT_UNDER.get(top, ()))
    if top.endswith("_dataloader"):
        names.append("dataset")
    if top.endswith("_evaluator"):
        names.extend(("metric", "evaluator"))
    for key in keys:
        names.extend(_BUILT_BY_KEY.get(key, ()))
        if key.endswith("_pipeline"):
            names.append("transform")
    found.update(_stem(n) for n in names)
    return found


def _stem(name: str) -> str:
    """``optimizer`` for ``'optimizer'``, ``'optimizers'`` and ``'optimizer_cfg'``."""
    name = name.lower().replace(" ", "").replace("_", "")
    if name.endswith("cfg"):
        name = name[:-3]
    return name[:-1] if name.endswith("s") else name


def _path_note(cfg: Config, path: KeyPath, kind: str) -> Problem:
    return _problem(
        cfg,
        NOTE,
        (*path, TYPE_KEY),
        f"{kind!r} is not registered; building imports it as a path, which check does not do",
    )


def _importable_path(key: str, scopes: Iterable[str]) -> bool:
    """Tell whether ``Registry.get`` would import ``key`` as a dotted path: not a scope of
    the registry trees, and its top-level module exists (found, not imported)."""
    top = key.partition(".")[0]
    if "." not in key or top in set(scopes):
        return False
    import importlib.util  # lazy: only dotted types need it

    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _check_dict(
    cfg: Config,
    path: KeyPath,
    node: dict[str, Any],
    catalogs: Sequence[_Catalog],
    popped: frozenset[str] = frozenset(),
    picked: bool = False,
) -> list[Problem]:
    kind = node[TYPE_KEY]
    if isinstance(kind, str):
        signatures = None
        for catalog in catalogs:
            signatures = catalog.find(kind)
            if signatures is not None:
                break
        if signatures is None:
            if kind in _OPS_NAMES:
                return []
            unknown = catalogs[-1].unknown(cfg, path, kind)
            if unknown is not None and unknown.severity == ERROR and _lower_case(kind):
                unknown = unknown._replace(
                    severity=NOTE,
                    message=f"{unknown.message} (a lower-case type is often a name the class "
                    "taking this dict picks itself, such as FPG's 'conv', not a registry name)",
                )
            return [unknown] if unknown is not None else []
    elif isinstance(kind, LAZY_TYPES) and any(isinstance(c, _StaticCatalog) for c in catalogs):
        # A pure-Python config's imported class, read from source rather than imported.
        static = next(c for c in catalogs if isinstance(c, _StaticCatalog))
        signatures = static.find(f"{kind.module}.{kind}")
        if signatures is None:
            return []  # not in the scanned sources: nothing to say
    elif callable(kind):
        signatures = [_runtime_signature(kind)]
    else:
        return [_problem(cfg, ERROR, (*path, TYPE_KEY), f"type must be a name, not {kind!r}")]
    if picked or any(s is None for s in signatures):
        # One of the candidates takes what nobody can tell, or the class taking this dict
        # picks what it builds itself (the registered class of that name may not be it).
        return []
    return _check_arguments(cfg, path, node, signatures, popped)  # type: ignore[arg-type]


def _lower_case(kind: str) -> bool:
    """``'conv'``, ``'mmdet.conv'``: a name (after any scope) that starts in lower case."""
    return kind.rpartition(".")[2][:1].islower()


def _runtime_signature(target: Any) -> Optional[_Signature]:
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    parameters = signature.parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    accepted = [
        name
        for name, p in parameters.items()
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        and p.kind is not inspect.Parameter.POSITIONAL_ONLY
    ]
    required = [
        name
        for name, p in parameters.items()
        if p.default is inspect.Parameter.empty
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]
    defaults = {name: p.default for name, p in parameters.items()}
    label = getattr(target, "__name__", repr(target))
    return _Signature(label, accepted, takes_any, required, _hints(target), defaults)


def _hints(target: Any) -> dict[str, Any]:
    function = vars(target).get("__init__", target) if isinstance(target, type) else target
    try:
        return typing.get_type_hints(function)
    except Exception:  # unresolvable annotations: check no types for this target
        return {}


def _check_arguments(
    cfg: Config,
    path: KeyPath,
    node: dict[str, Any],
    signatures: Sequence[_Signature],
    popped: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Keys no candidate takes are errors; with one candidate, values that contradict its
    annotations are warnings; parameters every candidate requires and the dict does not
    give are notes."""
    if any(s.takes_any for s in signatures):
        closed: list[_Signature] = []
    else:
        closed = list(signatures)
    accepted: dict[str, None] = {}
    for signature in signatures:
        accepted.update(dict.fromkeys(signature.accepted))
    label = signatures[0].label
    popped = popped | _builder_keys(path)
    problems = []
    for key, value in node.items():
        if key in _BUILD_KEYS or key in popped:
            continue
        if key not in accepted:
            if closed:
                problems.append(
                    _problem(
                        cfg,
                        ERROR,
                        (*path, key),
                        f"{label} has no parameter {key!r}",
                        did_you_mean(key, list(accepted)),
                    )
                )
            continue
        if len(signatures) != 1:
            continue
        annotation = signatures[0].hints.get(key)
        default = signatures[0].defaults.get(key, inspect.Parameter.empty)
        if annotation is not None and _contradicts(value, annotation, default):
            problems.append(
                _problem(
                    cfg,
                    WARNING,
                    (*path, key),
                    f"{value!r} does not match the annotation of {label}.{key}: "
                    f"{_annotation_text(annotation)}",
                )
            )
    required = [n for n in signatures[0].required if all(n in s.required for s in signatures)]
    given = _builder_arguments(path)
    for name in required:
        if name not in node and name not in given:
            problems.append(
                _problem(
                    cfg,
                    NOTE,
                    path,
                    f"{label} needs {name!r}, which the config does not give (the caller may "
                    "pass it through default_args)",
                )
            )
    return problems


def _annotation_text(annotation: Any) -> str:
    return annotation.__name__ if isinstance(annotation, type) else repr(annotation)


def _contradicts(value: Any, annotation: Any, default: Any = inspect.Parameter.empty) -> bool:
    """Tell whether ``value`` plainly contradicts a simple annotation (else: no opinion)."""
    if value is None:
        # `x: int = None` is common; only a parameter that cannot be None is contradicted.
        return default is not None and not _allows_none(annotation)
    if annotation in _SIMPLE_TYPES:
        if annotation is float:
            return not isinstance(value, (int, float))
        if annotation is bool:
            return not isinstance(value, (bool, int))
        return not isinstance(value, annotation)
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Union:
        checkable = [a for a in arguments if a is not type(None)]
        if not all(_is_simple(a) for a in checkable):
            return False
        return all(_contradicts(value, a) for a in checkable)
    if origin is typing.Literal:
        return value not in arguments
    if origin in (list, tuple) and arguments:
        if not isinstance(value, (list, tuple)):
            return True
        if origin is tuple and (len(arguments) != 2 or arguments[1] is not Ellipsis):
            if len(arguments) != len(value):
                return True
            return any(_contradicts(v, a) for v, a in zip(value, arguments) if _is_simple(a))
        element = arguments[0]
        return _is_simple(element) and any(_contradicts(v, element) for v in value)
    return False


def _is_simple(annotation: Any) -> bool:
    if annotation in _SIMPLE_TYPES:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, typing.Literal, list, tuple):
        return all(
            a is type(None) or a is Ellipsis or _is_simple(a) or origin is typing.Literal
            for a in typing.get_args(annotation)
        )
    return False


def _allows_none(annotation: Any) -> bool:
    return typing.get_origin(annotation) is typing.Union and type(None) in typing.get_args(
        annotation
    )
