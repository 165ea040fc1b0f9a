"""Resolve a config file with its ``_base_`` files into one plain dict.

This is the text-style pipeline of mmengine's ``Config._file2dict``, done in memory: text
passes, parse, load the bases (relative paths and ``pkg::path``, recursively, cycle-checked,
duplicate keys among siblings rejected), run the file with ``_base_`` bound to its merged
bases, resolve ``{{ _base_.x }}``, and merge the file into its bases.

Every file's result is cached per process, keyed by its absolute path and the load options,
and reused only while the text of every file in its chain and every environment variable it
read are unchanged. Results are plain dicts that are never modified after they are built:
merging copies along the paths it changes, and ``Config`` converts to fresh ``ConfigDict``.
"""

from __future__ import annotations

import os
import re
import threading

from cfgkit.config import origins
from cfgkit.config.config_dict import ConfigDict, to_config_tree
from cfgkit.config.loading import (
    BASE_KEY,
    PYTHON_EXTENSION,
    check_extension,
    compile_python,
    load_data,
    read_text,
    run_python,
)
from cfgkit.config.merging import merge_into
from cfgkit.config.origins import SourceLayer, find_key_line, same_value
from cfgkit.config.substitution import (
    EnvRead,
    resolve_base_references,
    substitute_base_references,
    substitute_env_variables,
    substitute_predefined_variables,
)
from cfgkit.errors import (
    BasePathError,
    ConfigFileNotFoundError,
    ConfigParsingError,
    ConfigTypeError,
    DuplicateBaseKeyError,
    InheritanceCycleError,
    PackageNotFoundError,
    ReservedKeyError,
)

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

__all__ = [
    "DEFAULT_OPTIONS",
    "DEPRECATION_KEY",
    "RESERVED_KEYS",
    "SCOPE_KEY",
    "LoadOptions",
    "PurePythonStyleFound",
    "ResolvedConfig",
    "clear_cache",
    "resolve_file",
    "resolve_text",
]

DEPRECATION_KEY = "_deprecation_"
SCOPE_KEY = "_scope_"
PACKAGE_SEPARATOR = "::"
RESERVED_KEYS = ("filename", "text", "pretty_text", "env_variables")
_PACKAGE_PATH_RE = re.compile(r"\w*::\w*/\w*")


class LoadOptions(tuple):  # type: ignore[type-arg]
    """The ``fromfile`` flags that change what a file resolves to (hashable: a cache key)."""

    __slots__ = ()

    def __new__(
        cls,
        use_predefined_variables: bool = True,
        use_environment_variables: bool = True,
        detect_style: bool = True,
    ) -> LoadOptions:
        flags = (use_predefined_variables, use_environment_variables, detect_style)
        return super().__new__(cls, flags)

    @property
    def use_predefined_variables(self) -> bool:
        """Replace ``{{ fileDirname }}`` and friends."""
        return bool(self[0])

    @property
    def use_environment_variables(self) -> bool:
        """Replace ``{{ $VAR:default }}``."""
        return bool(self[1])

    @property
    def detect_style(self) -> bool:
        """Tell classic configs from pure-Python ones (``lazy_import=None``)."""
        return bool(self[2])


class ResolvedConfig:
    """A config file merged with all its bases.

    Attributes:
        filename: The absolute path (or the pseudo name of a string).
        tree: The merged plain dict. Never modify it: it may be shared with the cache.
        text: The texts of the bases and the file, each after its path, as mmengine's.
        env_variables: The environment variables used, name to value.
        deprecations: Deprecation messages of the files in the chain, bases first.
        sources: ``(path, text)`` of every file in the chain, to validate the cache.
        env_reads: Every environment lookup made, to validate the cache.
        layers: What each file of the chain contributed, in merge order (for provenance).
    """

    __slots__ = (
        "deprecations",
        "env_reads",
        "env_variables",
        "filename",
        "layers",
        "sources",
        "text",
        "tree",
    )

    def __init__(
        self,
        filename: str,
        tree: dict[str, Any],
        text: str,
        env_variables: Mapping[str, str],
        deprecations: tuple[str, ...] = (),
        sources: tuple[tuple[str, str], ...] = (),
        env_reads: tuple[EnvRead, ...] = (),
        layers: tuple[SourceLayer, ...] = (),
    ) -> None:
        self.filename = filename
        self.tree = tree
        self.text = text
        self.env_variables = env_variables
        self.deprecations = deprecations
        self.sources = sources
        self.env_reads = env_reads
        self.layers = layers


DEFAULT_OPTIONS = LoadOptions()
_cache: dict[tuple[str, LoadOptions], ResolvedConfig] = {}
_cache_lock = threading.Lock()
_package_dirs: dict[str, str] = {}


def clear_cache() -> None:
    """Forget every parsed file (the next load reads and runs each file again)."""
    with _cache_lock:
        _cache.clear()
        _package_dirs.clear()


def _is_current(resolved: ResolvedConfig) -> bool:
    for path, text in resolved.sources:
        try:
            with open(path, encoding="utf-8") as stream:
                if stream.read() != text:
                    return False
        except OSError:
            return False
    return all(os.environ.get(read.name) == read.value for read in resolved.env_reads)


def resolve_file(filename: str, options: LoadOptions = DEFAULT_OPTIONS) -> ResolvedConfig:
    """Load ``filename`` and all its bases into one plain dict.

    Args:
        filename: The config file; ``~`` is expanded and relative paths are taken from the
            current directory.
        options: The load flags.

    Returns:
        The resolved config.

    Raises:
        ConfigError: Any problem with the file or its bases; see :mod:`cfgkit.errors`.
    """
    path = os.path.abspath(os.path.expanduser(filename))
    return _resolve_path(path, options, chain=(), requested_by=None)


def _resolve_path(
    path: str, options: LoadOptions, chain: tuple[str, ...], requested_by: Optional[str]
) -> ResolvedConfig:
    if path in chain:
        loop = " -> ".join((*chain[chain.index(path) :], path))
        raise InheritanceCycleError(
            f"Config inheritance cycle: {loop}. A file cannot be its own base",
            filename=requested_by,
        )
    key = (path, options)
    cached = _cache.get(key)
    if cached is not None and _is_current(cached):
        return cached
    if not os.path.isfile(path):
        wanted = f", which is a _base_ of {requested_by}" if requested_by else ""
        raise ConfigFileNotFoundError(
            f'file "{path}" does not exist{wanted}', filename=requested_by or path
        )
    extension = os.path.splitext(path)[1]
    check_extension(path, extension)
    resolved = resolve_text(read_text(path), path, extension, options, chain=chain)
    with _cache_lock:
        _cache[key] = resolved
    return resolved


def resolve_text(
    raw: str,
    filename: str,
    extension: str,
    options: LoadOptions = DEFAULT_OPTIONS,
    *,
    chain: tuple[str, ...] = (),
) -> ResolvedConfig:
    """Resolve config text as if it were the file ``filename``.

    Args:
        raw: The text of the config.
        filename: The absolute path the text is taken to come from (relative bases are
            found next to it; errors and tracebacks name it).
        extension: The format: ``.py``, ``.json``, ``.yaml`` or ``.yml``.
        options: The load flags.
        chain: The files being resolved that lead to this one (for cycle detection).

    Returns:
        The resolved config (not cached).

    Raises:
        ConfigError: Any problem with the text or its bases; see :mod:`cfgkit.errors`.
    """
    text = raw
    if options.use_predefined_variables:
        text = substitute_predefined_variables(text, filename)
    env_variables: dict[str, str] = {}
    env_reads: tuple[EnvRead, ...] = ()
    if options.use_environment_variables:
        text, env_variables, env_reads = substitute_env_variables(text, filename)
    is_python = extension == PYTHON_EXTENSION
    text, references = substitute_base_references(text)

    child: Optional[dict[str, Any]] = None
    python = None
    if is_python:
        python = compile_python(text, filename, detect_style=options.detect_style)
        if python.pure_python_style:
            raise _style_error(filename, chain)
        base_entries = python.base_files
        if base_entries is None:
            # The file does not read `_base_`, so it can run before its bases are loaded.
            child, base_entries = run_python(python, ConfigDict())
    else:
        child = load_data(text, filename, extension)
        base_entries = child.get(BASE_KEY, [])

    bases = _load_bases(base_entries, filename, options, (*chain, filename))
    env_variables.update(bases.env_variables)
    target: dict[str, Any] = bases.tree
    if child is None:
        assert python is not None  # only a Python config is evaluated after its bases
        namespace: Any = ConfigDict()
        if python.reads_bases:
            # The config may change base values in place (`_base_.model.type = 'X'`), and
            # mmengine keeps those changes: give it a private copy and merge into that.
            namespace = target = to_config_tree(target)
        child, _ = run_python(python, namespace)
    layers = list(bases.layers)
    recording = origins.RECORDING
    if recording and target is not bases.tree:
        edits = changed_keys(bases.tree, target)
        if edits:  # what `_base_.x = ...` changed, as a layer of this file
            layers.append(SourceLayer(filename, extension, edits, text, raw))

    _check_reserved(child, filename, raw)
    deprecations = []
    if DEPRECATION_KEY in child:
        deprecations.append(_deprecation_message(child.pop(DEPRECATION_KEY), filename))
    if references:
        child = resolve_base_references(child, references, target, filename)
    child.pop(BASE_KEY, None)
    merged = merge_into(child, target, filename=filename)
    tree = {k: v for k, v in merged.items() if not (isinstance(k, str) and k.startswith("__"))}
    sources = dict(bases.sources)
    sources[filename] = raw
    if recording:
        layers.append(SourceLayer(filename, extension, child, text, raw))
    return ResolvedConfig(
        filename=filename,
        tree=tree,
        text="\n".join((*bases.texts, f"{filename}\n{raw}")),
        env_variables=env_variables,
        deprecations=(*bases.deprecations, *deprecations),
        sources=tuple(sources.items()),
        env_reads=(*env_reads, *bases.env_reads),
        layers=tuple(layers),
    )


def changed_keys(before: Any, after: Any) -> dict[Any, Any]:
    """The keys of ``after`` that are new or different from ``before`` (what a config changed
    in place through ``_base_``), for provenance only.

    Nested dicts are compared key by key, and lists and tuples of the same length element by
    element, their changes keyed by index, so that only what changed is credited.
    """
    changes: dict[Any, Any] = {}
    items = dict.items(after) if isinstance(after, dict) else enumerate(after)
    for key, value in items:
        old = dict.get(before, key, _ABSENT) if isinstance(before, dict) else before[key]
        if _comparable_containers(old, value):
            nested = changed_keys(old, value)
            if nested:
                changes[key] = nested
        elif old is _ABSENT or not same_value(old, value):
            changes[key] = value
    return changes


def _comparable_containers(old: Any, new: Any) -> bool:
    if isinstance(old, dict) and isinstance(new, dict):
        return True
    return isinstance(old, (list, tuple)) and type(old) is type(new) and len(old) == len(new)


_ABSENT = object()


class _Bases:
    """The merged bases of one file, with what the file's result inherits from them."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}
        self.texts: list[str] = []
        self.deprecations: list[str] = []
        self.sources: dict[str, str] = {}
        self.env_variables: dict[str, str] = {}
        self.env_reads: list[EnvRead] = []
        self.layers: list[SourceLayer] = []


def _load_bases(
    entries: Any, filename: str, options: LoadOptions, chain: tuple[str, ...]
) -> _Bases:
    bases = _Bases()
    owners: dict[str, str] = {}
    for entry in _base_list(entries, filename):
        base_path, scope = _locate_base(entry, filename)
        base = _resolve_path(base_path, options, chain, requested_by=filename)
        tree = base.tree
        bases.layers.extend(base.layers)
        if scope is not None:
            tree = _with_scope(tree, scope)
        if scope is not None and base.layers:
            own = base.layers[-1]  # the package config's own layer, for its text
            scoped = changed_keys(base.tree, tree)
            bases.layers.append(
                SourceLayer(base.filename, own.extension, scoped, own.text, own.raw)
            )
        duplicates = [k for k in tree if k in bases.tree]
        if duplicates:
            raise _duplicate_error(duplicates, owners, base.filename, filename)
        for name in tree:
            owners[name] = base.filename
        bases.tree.update(tree)
        bases.texts.append(base.text)
        bases.deprecations.extend(base.deprecations)
        bases.sources.update(base.sources)
        bases.env_reads.extend(base.env_reads)
        bases.env_variables.update(base.env_variables)
    return bases


class PurePythonStyleFound(ConfigParsingError):
    """The file asked for is a pure-Python config: ``Config.fromfile`` loads it that way."""


def _style_error(filename: str, chain: tuple[str, ...]) -> ConfigParsingError:
    if chain:
        return ConfigParsingError(
            "The configuration file type in the inheritance chain must match the current "
            f"configuration file type: {chain[-1]} is a classic `_base_` config but its "
            f"base {filename} is a pure-Python config (`with read_base():` or an import of "
            "a non-standard module)",
            filename=filename,
        )
    return PurePythonStyleFound(
        "This is a pure-Python config (`with read_base():` or an import of a module outside "
        "the standard library); load it with lazy_import=None or True",
        filename=filename,
    )


def _base_list(entries: Any, filename: str) -> list[str]:
    if isinstance(entries, str):
        return [entries]
    if isinstance(entries, list) and all(isinstance(e, str) for e in entries):
        return entries
    raise ConfigTypeError(
        f"_base_ must be a path or a list of paths, got {entries!r}",
        filename=filename,
        key=BASE_KEY,
    )


def _locate_base(entry: str, filename: str) -> tuple[str, Optional[str]]:
    if PACKAGE_SEPARATOR not in entry:
        if entry.startswith("~"):
            entry = os.path.expanduser(entry)
        return os.path.abspath(os.path.join(os.path.dirname(filename), entry)), None
    if _PACKAGE_PATH_RE.match(entry) is None:
        raise BasePathError(
            f"Invalid package config path {entry!r}: write the package name and the config "
            "path inside its configs folder, like "
            "'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'",
            filename=filename,
            key=BASE_KEY,
        )
    if entry.count(PACKAGE_SEPARATOR) > 1:
        raise BasePathError(
            f"`::` should only be used to separate package and config name, but found "
            f"multiple `::` in {entry!r}",
            filename=filename,
            key=BASE_KEY,
        )
    package, _, relative = entry.partition(PACKAGE_SEPARATOR)
    return os.path.join(_package_dir(package, filename), ".mim", "configs", relative), package


def _package_dir(package: str, filename: str) -> str:
    directory = _package_dirs.get(package)
    if directory is not None:
        return directory
    import importlib.util  # imported when first needed, to keep `import cfgkit` under 40 ms

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise PackageNotFoundError(
            f"{package} is not installed, please install {package} manually "
            f"(the _base_ of {filename} names '{package}::...')",
            filename=filename,
            key=BASE_KEY,
        )
    directory = _package_dirs[package] = locations[0]
    return directory


def _with_scope(value: Any, scope: str, open_: bool = True) -> Any:
    """Copy ``value``, giving the outermost dicts with a ``type`` key ``_scope_ = scope``."""
    if isinstance(value, dict):
        items = dict.copy(value)
        if open_ and "type" in items:
            open_ = False
            if items.get(SCOPE_KEY) is None:
                items[SCOPE_KEY] = scope
        return {k: _with_scope(v, scope, open_) for k, v in items.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_with_scope(v, scope, open_) for v in value)
    return value


def _duplicate_error(
    duplicates: list[str], owners: Mapping[str, str], base: str, filename: str
) -> DuplicateBaseKeyError:
    first = owners[duplicates[0]]
    listed = ", ".join(repr(k) for k in duplicates)
    return DuplicateBaseKeyError(
        f"Duplicate key is not allowed among bases. Duplicate keys: {{{listed}}}; "
        f"defined in both {first} and {base}",
        filename=filename,
        lineno=find_key_line(filename, BASE_KEY),
        key=duplicates[0],
    )


def _check_reserved(child: Mapping[str, Any], filename: str, raw: str) -> None:
    for name in RESERVED_KEYS:
        if name in child:
            raise ReservedKeyError(
                f"{name} is reserved for config file; rename the key",
                filename=filename,
                lineno=find_key_line(filename, name, raw),
                key=name,
            )


def _deprecation_message(info: Any, filename: str) -> str:
    message = f"The config file {filename} will be deprecated in the future."
    if isinstance(info, dict):
        if "expected" in info:
            message += f" Please use {info['expected']} instead."
        if "reference" in info:
            message += f" More information can be found at {info['reference']}"
    return message
