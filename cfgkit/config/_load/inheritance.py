"""Resolve a classic config file with its ``_base_`` files into one plain dict.

This is the pipeline of mmengine's ``Config._file2dict``, done in memory: text passes,
parse, load the bases (relative paths and ``pkg::path``, cycle-checked, duplicate keys among
siblings rejected), run the file with ``_base_`` bound to its merged bases, resolve
``{{ _base_.x }}``, and merge the file into its bases.

Chains are resolved with an explicit stack, not one Python call per level: each file is a
generator that yields the bases it needs and receives them resolved, so a chain of any depth
loads (mmengine manages about 400 levels, a recursive loader about 330).

Every file's result is cached per process, keyed by its absolute path and the load options,
and reused only while every file in its chain is unchanged (by its stamp: size, mtime, inode)
and every environment variable it read has the same value. Results are plain dicts that are
never modified after they are built: merging copies along the paths it changes, and
``Config`` converts to fresh ``ConfigDict``. A chain's layers, sources and text are ropes, so
a level adds to its bases' without copying them.
"""

from __future__ import annotations

import _thread
import os
from collections import OrderedDict

from cfgkit._keys import BASE_KEY, DEPRECATION_KEY, RESERVED_KEYS, SCOPE_KEY, TYPE_KEY
from cfgkit._lazy_modules import lazy_pattern
from cfgkit._records import NamedTuple, Rope
from cfgkit.config._load.files import (
    MAX_BASES_PER_LOAD,
    PYTHON_EXTENSION,
    BaseBudget,
    check_extension,
    check_not_loading,
    forget_packages,
    inside_roots,
    outside_roots_error,
    package_directory,
    read_text,
    stamp_of,
    unchanged,
)
from cfgkit.config._load.layers import SourceLayer, changed_keys
from cfgkit.config._load.parsing import compile_python, load_data, paused_gc, run_python
from cfgkit.config._load.pure_python import is_pure_python
from cfgkit.config._load.source_lines import find_key_line
from cfgkit.config._load.substitution import (
    resolve_base_references,
    substitute_base_references,
    substitute_env_variables,
    substitute_predefined_variables,
)
from cfgkit.config._merge.merging import merge_into
from cfgkit.config._merge.selectors import aliases, credited
from cfgkit.config.config_dict import ConfigDict, to_config_tree
from cfgkit.errors import (
    BasePathError,
    ConfigKeyError,
    ConfigParsingError,
    ConfigTypeError,
    PackageNotFoundError,
    ReservedKeyError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Generator, Mapping, Optional

    from cfgkit._contracts import ConfigTree, KeyT
    from cfgkit.config._load.files import Stamp
    from cfgkit.config._load.parsing import PythonConfig
    from cfgkit.config._load.substitution import BaseReference, EnvRead
    from cfgkit.config._merge.selectors import Selected

    # A file being resolved: it yields (base path, options, requested by) and is sent the
    # resolved base; it returns its own result.
    Steps = Generator[tuple[str, "LoadOptions", str], "ResolvedConfig", "ResolvedConfig"]

__all__ = [
    "LoadOptions",
    "ResolvedConfig",
    "cached_resolution",
    "clear_cache",
    "resolve_file",
    "resolve_text",
]

PACKAGE_SEPARATOR = "::"
_PACKAGE_PATH_RE = lazy_pattern(r"\w*::\w*/\w*")


class LoadOptions(NamedTuple):
    """The ``fromfile`` flags that change what a file resolves to (hashable: a cache key).

    Attributes:
        use_predefined_variables: Replace ``{{ fileDirname }}`` and friends.
        use_environment_variables: Replace ``{{ $VAR:default }}``.
        detect_style: Refuse a pure-Python base in a classic chain (``lazy_import=None``).
        separate_copies: Give every place a file writes a dict its own copy, keeping only
            dicts taken from its bases shared, as mmengine's ``ConfigDict`` conversion does.
            Package bases are resolved this way, so that the ``_scope_`` they get reaches
            exactly the copies it reaches in mmengine.
        safe: Interpret Python configs with :mod:`~cfgkit.config._load.safe_python` (never run).
        safe_roots: In safe mode, the folders (real paths) the chain's files must be inside:
            the entry config's folder and ``safe_root=``, and a package's configs folder for
            the bases under a ``pkg::`` base.
        provenance: Keep what each file contributed (a layer per file), which
            ``provenance()``, ``explain``, ``check`` and stale copies read.
    """

    use_predefined_variables: bool = True
    use_environment_variables: bool = True
    detect_style: bool = True
    separate_copies: bool = False
    safe: bool = False
    safe_roots: tuple[str, ...] = ()
    provenance: bool = True


class Source(NamedTuple):
    """A file of a chain: its path, its text as read, and its stamp then (None: racy)."""

    path: str
    text: str
    stamp: Optional[Stamp]


class ChainText(NamedTuple):
    """mmengine's ``Config.text``, made only when asked for: each file of the chain after its
    path, bases first (a base named twice appears twice)."""

    order: Rope  # of paths
    sources: Rope  # of Source

    def __str__(self) -> str:
        texts = {source.path: source.text for source in self.sources.flatten()}
        return "\n".join(f"{path}\n{texts[path]}" for path in self.order.flatten())


class ResolvedConfig(NamedTuple):
    """A config file merged with all its bases.

    Attributes:
        filename: The absolute path (or the pseudo name of a string).
        tree: The merged plain dict. Never modify it: it may be shared with the cache.
        text: The texts of the chain (``str(text)`` is mmengine's ``Config.text``).
        env_variables: The environment variables used, name to value.
        deprecations: Deprecation messages of the files in the chain, bases first.
        sources: Every file in the chain (a file named twice appears twice), to validate
            the cache.
        env_reads: Every environment lookup made, to validate the cache.
        layers: What each file of the chain contributed, in merge order (for provenance).
        The last three are ropes: a level adds to its bases' without copying them.
        base_count: How many base files the chain uses, counted as they are loaded (a base
            named twice counts twice, with its own bases): what reusing it costs a load.
    """

    filename: str
    tree: dict[str, Any]
    text: ChainText
    env_variables: Mapping[str, str]
    deprecations: tuple[str, ...] = ()
    sources: Rope = Rope()
    env_reads: Rope = Rope()
    layers: Rope = Rope()
    base_count: int = 0


DEFAULT_OPTIONS = LoadOptions()
# The parse cache, least recently used first. Files resolved as bases are what loading many
# configs reuses: room for those of a whole model zoo (mmdet and mmpretrain together have a
# few hundred), since a bound smaller than what is loaded in turn evicts every file before its
# next use. Files only ever loaded as the config itself are kept in a short list: loading the
# same config again is fast, and a corpus load does not keep every config's tree.
MAX_CACHED_FILES = 4096
MAX_CACHED_CONFIGS = 64
_cache: OrderedDict[tuple[str, LoadOptions], ResolvedConfig] = OrderedDict()
_configs: OrderedDict[tuple[str, LoadOptions], ResolvedConfig] = OrderedDict()
_cache_lock = _thread.allocate_lock()


def clear_cache() -> None:
    """Forget every parsed file (the next load reads and runs each file again)."""
    with _cache_lock:
        _cache.clear()
        _configs.clear()
    forget_packages()


def cached_resolution(
    path: str, options: LoadOptions, *, as_base: bool = False
) -> Optional[ResolvedConfig]:
    """The cached result for ``path`` (absolute) if every file of its chain is unchanged."""
    key = (path, options)
    resolved = _cache.get(key) or _configs.get(key)  # a record: never false
    if resolved is None:
        return None
    # By the files' stamps (a stat each), or by their text where a stamp proves nothing.
    sources = {source.path: source for source in resolved.sources.flatten()}.values()
    if not all(unchanged(source.path, source.text, source.stamp) for source in sources):
        return None
    if not all(os.environ.get(read.name) == read.value for read in resolved.env_reads.flatten()):
        return None
    _store(key, resolved, as_base=as_base or key in _cache)
    return resolved


def _store(key: tuple[str, LoadOptions], resolved: ResolvedConfig, *, as_base: bool) -> None:
    with _cache_lock:
        if as_base:
            _configs.pop(key, None)
        cache, bound = (_cache, MAX_CACHED_FILES) if as_base else (_configs, MAX_CACHED_CONFIGS)
        cache[key] = resolved
        cache.move_to_end(key)
        while len(cache) > bound:
            cache.popitem(last=False)


def resolve_file(
    filename: str, options: LoadOptions = DEFAULT_OPTIONS, *, raw: Optional[str] = None
) -> ResolvedConfig:
    """Load ``filename`` and all its bases into one plain dict.

    Args:
        filename: The config file; ``~`` is expanded and relative paths are taken from the
            current directory.
        options: The load flags.
        raw: The file's text, when the caller has read it already.

    Returns:
        The resolved config.

    Raises:
        ConfigError: Any problem with the file or its bases; see :mod:`cfgkit.errors`.
    """
    path = os.path.abspath(os.path.expanduser(filename))
    cached = cached_resolution(path, options)
    if cached is not None:
        return cached
    if raw is None:
        check_extension(path, os.path.splitext(path)[1])
        raw = read_text(path, roots=options.safe_roots if options.safe else None)
    steps = _steps(raw, path, options, requested_by=None, stamp=stamp_of(path))
    with paused_gc():  # mmcv's fromfile and mmengine's helpers come here directly
        return _run(path, options, steps)


def resolve_text(
    raw: str, filename: str, extension: str, options: LoadOptions = DEFAULT_OPTIONS
) -> ResolvedConfig:
    """Resolve config text as if it were the file ``filename`` (not cached).

    Args:
        raw: The text of the config.
        filename: The absolute path the text is taken to come from (relative bases are
            found next to it; errors and tracebacks name it).
        extension: The format: ``.py``, ``.json``, ``.yaml`` or ``.yml``.
        options: The load flags.

    Raises:
        ConfigError: Any problem with the text or its bases; see :mod:`cfgkit.errors`.
    """
    steps = _steps(raw, filename, options, requested_by=None, extension=extension)
    with paused_gc():
        return _run(filename, options, steps, store=False)


def _run(path: str, options: LoadOptions, steps: Steps, *, store: bool = True) -> ResolvedConfig:
    """Drive the generators of a chain with an explicit stack, caching each result."""
    stack: list[tuple[str, LoadOptions, Steps]] = [(path, options, steps)]
    loading = {path}  # the paths on the stack, for the cycle check
    budget = BaseBudget()
    received: Any = None
    while True:
        current, current_options, generator = stack[-1]
        try:
            base_path, base_options, requested_by = generator.send(received)
        except StopIteration as stop:
            stack.pop()
            loading.discard(current)
            resolved: ResolvedConfig = stop.value
            if store or stack:
                _store((current, current_options), resolved, as_base=bool(stack))
            if not stack:
                return resolved
            received = resolved
            continue
        if base_path in loading:
            check_not_loading(base_path, [entry[0] for entry in stack], requested_by)
        _charge(budget, 1, requested_by)
        received = cached_resolution(base_path, base_options, as_base=True)
        if received is not None:
            _charge(budget, received.base_count, requested_by)  # as if loaded again
        else:
            roots = base_options.safe_roots if base_options.safe else None
            raw = read_text(base_path, requested_by, roots=roots)
            steps = _steps(raw, base_path, base_options, requested_by, stamp=stamp_of(base_path))
            stack.append((base_path, base_options, steps))
            loading.add(base_path)


def _charge(budget: BaseBudget, count: int, requested_by: str) -> None:
    try:
        budget.charge(count, requested_by)
    except ConfigParsingError as error:
        error.lineno = find_key_line(requested_by, BASE_KEY)
        raise


def _steps(
    raw: str,
    filename: str,
    options: LoadOptions,
    requested_by: Optional[str],
    extension: Optional[str] = None,
    stamp: Optional[Stamp] = None,
) -> Steps:
    """Resolve one file, yielding for each base it needs: its text passes, its parse, its
    bases, its evaluation (after them when it reads `_base_`), its own values merged into
    theirs, and what it contributed kept as a layer."""
    if extension is None:
        extension = os.path.splitext(filename)[1]
        check_extension(filename, extension)
    is_python = extension == PYTHON_EXTENSION
    if requested_by is not None and is_python and options.detect_style:  # noqa: SIM102
        if is_pure_python(raw, filename):
            raise _style_error(filename, requested_by)
    text, env_variables, env_reads, references = _text_passes(raw, filename, options)
    child, python, base_entries = _parsed(text, filename, extension, options)

    bases = _Bases()
    entries = _base_list(base_entries, filename)
    if len(entries) > MAX_BASES_PER_LOAD:  # refused before any is resolved (10**6 entries)
        BaseBudget().charge(len(entries), filename, lineno=None)
    for entry in entries:
        base_path, scope = locate_base(entry, filename)
        base_options = options if scope is None else options._replace(separate_copies=True)
        if options.safe:
            base_options = _inside_roots(base_path, scope, base_options, filename, raw)
        base = yield base_path, base_options, filename
        bases.add(base, scope, filename)

    layers: list[object] = list(bases.layers)
    child, target = _evaluated(child, python, bases.tree)
    if options.provenance and target is not bases.tree:
        edits = changed_keys(bases.tree, target)
        if edits:  # what `_base_.x = ...` changed, as a layer of this file
            layers.append(SourceLayer(filename, extension, edits, text, raw))
    child, deprecations = _own_values(child, references, target, filename, raw, options)
    # The bases' trees hold no `__` keys already: only the file's own are left out.
    selected: Selected = []
    tree = merge_into(child, target, filename=filename, selected=selected)
    if options.provenance:
        layers.append(_layer(child, selected, filename, extension, text, raw))
    sources = Rope((*bases.sources, Source(filename, raw, stamp)))
    return ResolvedConfig(
        filename=filename,
        tree=tree,
        text=ChainText(Rope((*bases.order, filename)), sources),
        env_variables={**env_variables, **bases.env_variables},
        deprecations=(*bases.deprecations, *deprecations),
        sources=sources,
        env_reads=Rope((*env_reads, *bases.env_reads)),
        layers=Rope(tuple(layers)),
        base_count=bases.count,
    )


def _text_passes(
    raw: str, filename: str, options: LoadOptions
) -> tuple[str, dict[str, str], tuple[EnvRead, ...], dict[str, BaseReference]]:
    """Predefined variables, ``{{ $VAR }}`` and ``{{ _base_.x }}`` placeholders, on the text:
    the text after them, the variables and lookups read, and the references left to resolve."""
    text = raw
    if options.use_predefined_variables:
        text = substitute_predefined_variables(text, filename)
    env_variables: dict[str, str] = {}
    env_reads: tuple[EnvRead, ...] = ()
    if options.use_environment_variables:
        text, env_variables, env_reads = substitute_env_variables(text, filename)
    text, references = substitute_base_references(text)
    return text, env_variables, env_reads, references


def _parsed(
    text: str, filename: str, extension: str, options: LoadOptions
) -> tuple[Optional[ConfigTree], Optional[PythonConfig], object]:
    """The file parsed: its values when they can be had before its bases (data files, and
    Python that does not read `_base_`), the compiled Python, and its `_base_` entries."""
    if extension != PYTHON_EXTENSION:
        child = load_data(text, filename, extension)
        return child, None, child.get(BASE_KEY, [])
    python = compile_python(text, filename, options.safe)
    if python.base_files is None:
        # The file does not read `_base_`, so it can run before its bases are loaded.
        child, base_entries = run_python(python, ConfigDict())
        return child, python, base_entries
    return None, python, python.base_files


def _evaluated(
    child: Optional[ConfigTree], python: Optional[PythonConfig], base_tree: ConfigTree
) -> tuple[ConfigTree, ConfigTree]:
    """The file's values and the tree they merge into: run now if it reads `_base_` (on a
    private copy of the bases when it may change them in place, as mmengine keeps those
    changes)."""
    if child is not None:
        return child, base_tree
    target = base_tree
    namespace: Any = ConfigDict()
    # Not None: only Python that reads `_base_` is left to run after its bases.
    code: Any = python
    if code.reads_bases:
        namespace = target = to_config_tree(base_tree)
    child, _ = run_python(code, namespace)
    return child, target


def _own_values(
    child: ConfigTree,
    references: dict[str, BaseReference],
    target: ConfigTree,
    filename: str,
    raw: str,
    options: LoadOptions,
) -> tuple[ConfigTree, list[str]]:
    """What the file itself gives: reserved keys refused, its ``_deprecation_`` taken out,
    ``{{ _base_.x }}`` resolved, ``_base_`` and ``__`` names left out, copies separated."""
    _check_reserved(child, filename, raw)
    deprecations = []
    if DEPRECATION_KEY in child:
        deprecations.append(_deprecation_message(child.pop(DEPRECATION_KEY), filename))
    if references:
        child = resolve_base_references(child, references, target, filename)
    child.pop(BASE_KEY, None)
    if any(isinstance(k, str) and k.startswith("__") for k in child):  # from JSON or YAML
        child = {k: v for k, v in child.items() if not (isinstance(k, str) and k.startswith("__"))}
    if options.separate_copies:
        child = _separate_dict(child, _dict_ids(target))
    return child, deprecations


def _layer(
    child: ConfigTree, selected: Selected, filename: str, extension: str, text: str, raw: str
) -> SourceLayer:
    """What the file wrote, for provenance (a list selector's edits credited by index)."""
    if selected:
        own = credited(child, selected)
        return SourceLayer(filename, extension, own, text, raw, aliases=aliases(selected))
    return SourceLayer(filename, extension, child, text, raw)


def _inside_roots(
    base_path: str, scope: Optional[str], options: LoadOptions, filename: str, raw: str
) -> LoadOptions:
    """Check a base of a safe load against the roots; return the options of its chain (a
    package base and its own bases may also read the package's configs folder)."""
    roots = options.safe_roots
    if scope is not None:
        directory = package_directory(scope)
        if directory is not None:
            configs = os.path.realpath(os.path.join(directory, ".mim", "configs"))
            roots = (*roots, configs) if configs not in roots else roots
    if not inside_roots(base_path, roots):
        raise outside_roots_error(
            base_path, roots, filename, find_key_line(filename, BASE_KEY, raw)
        )
    return options if roots is options.safe_roots else options._replace(safe_roots=roots)


class _Bases:
    """The merged bases of one file, with what the file's result inherits from them."""

    def __init__(self) -> None:
        self.tree: ConfigTree = {}
        self.trees: list[tuple[str, ConfigTree]] = []  # (file, tree) of each base
        # Ropes of the bases, joined into this file's own without copying.
        self.order: list[object] = []
        self.sources: list[object] = []
        self.env_reads: list[object] = []
        self.layers: list[object] = []
        self.deprecations: list[str] = []
        self.env_variables: dict[str, str] = {}
        self.count = 0  # the base files used, counted as they are loaded

    def add(self, base: ResolvedConfig, scope: Optional[str], filename: str) -> None:
        self.count += 1 + base.base_count
        tree = base.tree
        self.layers.append(base.layers)
        if scope is not None:
            tree = _with_scope(tree, scope)
            own_layers = base.layers.flatten()
            if own_layers:
                own = own_layers[-1]  # the package config's own layer, for its text
                self.layers.append(own._replace(tree=changed_keys(base.tree, tree)))
        if not self.trees:
            self.tree = tree  # one base (the common case): no copy; merging copies
        else:
            duplicates = [k for k in tree if k in self.tree]
            if duplicates:
                raise _duplicate_error(duplicates, self.trees, base.filename, filename)
            if len(self.trees) == 1:
                self.tree = dict(self.tree)  # not the first base's own tree
            self.tree.update(tree)
        self.trees.append((base.filename, tree))
        self.order.append(base.text.order)
        self.sources.append(base.sources)
        self.env_reads.append(base.env_reads)
        self.deprecations.extend(base.deprecations)
        self.env_variables.update(base.env_variables)


def _dict_ids(tree: object) -> set[int]:
    """The ids of every dict in ``tree``."""
    found: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if id(node) in found:
                continue
            found.add(id(node))
            stack.extend(dict.values(node))
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return found


def _separate_copies(value: object, shared: set[int]) -> object:
    """``value`` with a new dict for every place it holds a dict not in ``shared``."""
    if isinstance(value, dict):
        return _separate_dict(value, shared)
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_separate_copies(v, shared) for v in value)
    return value


def _separate_dict(value: dict[KeyT, object], shared: set[int]) -> dict[KeyT, object]:
    """:func:`_separate_copies` of a dict (itself when in ``shared``), typed as a dict."""
    if id(value) in shared:
        return value
    return {k: _separate_copies(v, shared) for k, v in dict.items(value)}


def _with_scope(tree: ConfigTree, scope: str) -> ConfigTree:
    """Copy a package base's tree, giving the outermost dicts with a ``type`` ``_scope_``.

    As mmengine does it: walking the tree in order, the first time a dict object is met as
    an outermost typed dict it is marked, and every place that holds the same object and is
    walked after that gets the key too (mmengine sets it on the shared object in place). A
    ``{{ _base_.x }}`` copy of a marked value therefore keeps its scope. The tree must come
    from ``separate_copies`` resolution, where dicts are shared exactly as in mmengine.
    """
    marked: set[int] = set()

    # A nested dict may have keys that are not strings (it reaches here as the dict[Any,
    # Any] of an isinstance); only `type` and `_scope_` are read or added.
    def copy_dict(value: ConfigTree, open_: bool) -> ConfigTree:
        if open_ and TYPE_KEY in value:
            open_ = False
            if value.get(SCOPE_KEY) is None:
                marked.add(id(value))
        items = dict.copy(value)
        if id(value) in marked:
            items[SCOPE_KEY] = scope
        for key, item in items.items():
            items[key] = copy(item, open_)
        return items

    def copy(value: object, open_: bool) -> object:
        if isinstance(value, dict):
            return copy_dict(value, open_)
        if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
            return type(value)(copy(item, open_) for item in value)
        return value

    return copy_dict(tree, True)


def _style_error(filename: str, requested_by: str) -> ConfigParsingError:
    return ConfigParsingError(
        "The configuration file type in the inheritance chain must match the current "
        'configuration file type, either "lazy_import" or non-"lazy_import": '
        f"{requested_by} is a classic `_base_` config but its base {filename} is a "
        "pure-Python config (you use the syntax like `with read_base(): ...` or import a "
        "module outside the standard library in it)",
        filename=requested_by,
        lineno=find_key_line(requested_by, BASE_KEY),
        key=BASE_KEY,
    )


def _base_list(entries: object, filename: str) -> list[str]:
    if isinstance(entries, str):
        return [entries]
    if isinstance(entries, list) and all(isinstance(e, str) for e in entries):
        return entries
    raise ConfigTypeError(
        f"_base_ must be a path or a list of paths, got {entries!r}",
        filename=filename,
        key=BASE_KEY,
    )


def locate_base(entry: str, filename: str) -> tuple[str, Optional[str]]:
    """Return the path a ``_base_`` entry names, and the scope of a ``pkg::path`` entry.

    Args:
        entry: A relative path, ``~/path``, or ``package::path/in/its/configs``.
        filename: The config whose ``_base_`` it is.

    Returns:
        The absolute path, and the package name for a package entry (else None).

    Raises:
        BasePathError: A malformed package entry, or one that leaves the package's configs.
        PackageNotFoundError: The package is not installed.
    """
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
    directory = package_directory(package)
    if directory is None:
        raise PackageNotFoundError(
            f"{package} is not installed, please install {package} manually "
            f"(the _base_ of {filename} names '{package}::...')",
            filename=filename,
            key=BASE_KEY,
        )
    configs = os.path.join(directory, ".mim", "configs")
    path = os.path.normpath(os.path.join(configs, relative))
    if not path.startswith(os.path.join(configs, "")):
        raise BasePathError(
            f"{entry!r} leaves the configs folder of {package}: a package base names a "
            "file inside it",
            filename=filename,
            key=BASE_KEY,
        )
    return path, package


def _duplicate_error(
    duplicates: list[str], trees: list[tuple[str, ConfigTree]], base: str, filename: str
) -> ConfigKeyError:
    first = next(owner for owner, tree in trees if duplicates[0] in tree)
    listed = ", ".join(repr(k) for k in duplicates)
    return ConfigKeyError(
        f"Duplicate key is not allowed among bases. Duplicate keys: {{{listed}}}; "
        f"defined in both {first} and {base}",
        filename=filename,
        lineno=find_key_line(filename, BASE_KEY),
        key=duplicates[0],
    )


def _check_reserved(child: Mapping[str, object], filename: str, raw: str) -> None:
    for name in RESERVED_KEYS:
        if name in child:
            raise ReservedKeyError(
                f"{name} is reserved for config file; rename the key",
                filename=filename,
                lineno=find_key_line(filename, name, raw),
                key=name,
            )


def _deprecation_message(info: object, filename: str) -> str:
    message = f"The config file {filename} will be deprecated in the future."
    if isinstance(info, dict):
        if "expected" in info:
            message += f" Please use {info['expected']} instead."
        if "reference" in info:
            message += f" More information can be found at {info['reference']}"
    return message
