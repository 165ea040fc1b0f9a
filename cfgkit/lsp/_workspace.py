"""What the server knows of a workspace, and its answers, as plain data (no protocol here).

Every answer comes from cfgkit's public analysis: configs loaded with provenance
(``Config.fromfile(..., safe=True, import_custom_modules=False, texts=open buffers)``),
``check`` against the static index, ``stale_references``, and the index's lookups
(``Index.find`` for what a build in a scope finds). Open buffers stand for their files, so a
base being edited is seen by every config that inherits it.

State is bounded: loaded configs (``Settings.max_configs``), parsed documents, class sources
and static indexes are kept in least-recently-used caches.
"""

from __future__ import annotations

import ast
import itertools
import os
import re
import stat
import sys
import threading
import warnings
from collections import OrderedDict

from cfgkit._escaping import clipped
from cfgkit._key_paths import dotted
from cfgkit._records import NamedTuple
from cfgkit.checking import Problem, check, static_index
from cfgkit.config import Config, project_roots
from cfgkit.config._load.files import SUPPORTED_EXTENSIONS
from cfgkit.index._packages import read_source
from cfgkit.lsp._document import (
    BASE,
    TYPE,
    CompletionContext,
    Document,
    Span,
    completion_context,
    parse_document,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Optional, Union

    from cfgkit.index import Index, Registration

    KeyPath = tuple[Union[str, int], ...]

__all__ = ["Completion", "Diagnostic", "Location", "Settings", "Symbol", "Workspace"]

MAX_TEXT = 2_000_000  # characters: a bigger "config" is not read (one diagnostic says so)
MAX_CHAIN = 256  # files in one config's chain of bases, for the server's own walk
MAX_COMPLETIONS = 2000
_SUGGESTED = re.compile(r"'([^']+)'")


class Settings(NamedTuple):
    """How the server loads configs.

    Attributes:
        trusted: Run configs as Python (a trusted workspace); by default they are read
            by cfgkit's safe interpreter and nothing in them runs. ``custom_imports`` are
            never imported either way (their sources are read by the static index).
        path: Folders to find packages in (for ``pkg::`` bases and the static index),
            before ``sys.path``.
        max_configs: How many loaded configs are kept.
        max_indexes: How many static indexes (one per default scope and custom imports).
    """

    trusted: bool = False
    path: tuple[str, ...] = ()
    max_configs: int = 64
    max_indexes: int = 8


class Location(NamedTuple):
    """A place in a file: 0-based line and column of the start and the end."""

    filename: str
    span: Span


class Completion(NamedTuple):
    label: str
    kind: str  # 'class', 'function', 'keyword', 'key', 'file', 'folder'
    detail: str = ""
    documentation: str = ""
    insert: str = ""
    replace: Optional[Span] = None


class Diagnostic(NamedTuple):
    span: Span
    severity: str  # 'error', 'warning', 'note'
    message: str
    key: str = ""
    replacements: tuple[str, ...] = ()  # what a quick fix may write over the span


class Symbol(NamedTuple):
    name: str
    detail: str
    span: Span
    selection: Span
    children: list[Symbol]


class Hint(NamedTuple):
    line: int
    column: int
    label: str
    tooltip: str


class _Loaded(NamedTuple):
    """A config loaded as an entry config, and what it was loaded from."""

    cfg: Optional[Config]
    error: Optional[BaseException]
    chain: tuple[str, ...]  # the file and its bases, as the server reads them
    stamps: tuple[object, ...]  # each chain file's text given, or its stamp on disk
    tree: Any
    problems: list[Optional[list[Problem]]]  # [None] until checked (one-element holder)


# One value type per instance, left untyped: typing's generics are not imported at run time.
class _LRU(OrderedDict):  # type: ignore[type-arg]
    def __init__(self, bound: int) -> None:
        super().__init__()
        self.bound = bound

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.bound:
            self.popitem(last=False)

    def fetch(self, key: Any) -> Any:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value


class Workspace:
    """The configs of a workspace: open buffers, loaded configs, static indexes.

    Args:
        settings: How configs are loaded.
        schedule: How a static index is built: called with a function to run (in the
            background, by the server); None builds it at once.
        on_index: Called (from where the index was built) once an index is ready.
    """

    def __init__(
        self,
        settings: Optional[Settings] = None,
        schedule: Optional[Callable[[Callable[[], None]], None]] = None,
        on_index: Optional[Callable[[], None]] = None,
    ) -> None:
        self.settings = settings = settings or Settings()
        self.texts: dict[str, str] = {}
        self._schedule = schedule
        self._on_index = on_index
        self._documents = _LRU(256)
        self._loaded = _LRU(settings.max_configs)
        self._indexes = _LRU(settings.max_indexes)
        self._building: set[Any] = set()
        self._lock = threading.Lock()
        self._sources = _LRU(64)

    @property
    def search_path(self) -> list[str]:
        return [*self.settings.path, *sys.path]

    # -- buffers -----------------------------------------------------------------------------

    def open(self, filename: str, text: str) -> None:
        """Use ``text`` for ``filename`` (an open or changed buffer)."""
        self.texts[os.path.abspath(filename)] = text

    def close(self, filename: str) -> None:
        """Read ``filename`` from the disk again."""
        self.texts.pop(os.path.abspath(filename), None)

    def text(self, filename: str) -> Optional[str]:
        """The buffer's text, else the file's (None when it cannot be read)."""
        given = self.texts.get(filename)
        if given is not None:
            return given
        try:
            with open(filename, encoding="utf-8") as stream:
                return stream.read(MAX_TEXT + 1)
        except (OSError, ValueError):
            return None

    def document(self, filename: str) -> Document:
        text = self.text(filename) or ""
        key = (filename, text)
        found = self._documents.fetch(key)
        if found is None:
            found = parse_document(text[:MAX_TEXT], os.path.splitext(filename)[1])
            self._documents.put(key, found)
        return found  # type: ignore[no-any-return]  # _documents holds Documents

    # -- loading -----------------------------------------------------------------------------

    def base_path(self, entry: str, filename: str) -> Optional[str]:
        """The file a ``_base_`` entry names (relative, ``~``, or ``pkg::path``), if found."""
        if "::" in entry:
            package, _, relative = entry.partition("::")
            root = self.configs_folder(package)
            return None if root is None else os.path.normpath(os.path.join(root, relative))
        if entry.startswith("~"):
            entry = os.path.expanduser(entry)
        return os.path.normpath(os.path.join(os.path.dirname(filename), entry))

    def configs_folder(self, package: str) -> Optional[str]:
        """The configs folder of an installed package (``.mim/configs``, else ``configs``),
        its package found on the search path without importing it."""
        if not package.isidentifier():
            return None
        for folder in self.search_path:
            candidate = os.path.abspath(os.path.join(folder or ".", package))
            if os.path.isfile(os.path.join(candidate, "__init__.py")):
                root = os.path.join(candidate, ".mim", "configs")
                return root if os.path.isdir(root) else os.path.join(candidate, "configs")
        return None

    def chain(self, filename: str) -> tuple[str, ...]:
        """The file and every base it inherits from, read from buffers or the disk."""
        seen: dict[str, None] = {}
        pending = [filename]
        while pending and len(seen) < MAX_CHAIN:
            current = pending.pop()
            if current in seen:
                continue
            seen[current] = None
            for entry, _ in self.document(current).bases:
                found = self.base_path(entry, current)
                if found is not None:
                    pending.append(found)
        return tuple(seen)

    def _stamps(self, chain: tuple[str, ...]) -> tuple[tuple[object, ...], Optional[str]]:
        """Each chain file's text given, or its stamp on disk (None when missing); and why
        the first file that must not be read is so (a device, a pipe, too large), or None:
        the loader reads whole files, and a config must not make the server read forever."""
        stamps: list[object] = []
        unreadable: Optional[str] = None
        for name in chain:
            given = self.texts.get(name)
            if given is not None:
                stamps.append(given)
                size = len(given)
            else:
                try:
                    status = os.stat(name)
                except OSError:  # missing: the loader says so
                    stamps.append(None)
                    continue
                stamps.append((status.st_size, status.st_mtime_ns, status.st_ino))
                size = status.st_size
                if not stat.S_ISREG(status.st_mode):
                    unreadable = unreadable or f"{name} is not a regular file: not read"
            if size > MAX_TEXT:
                unreadable = unreadable or f"{name} is larger than {MAX_TEXT} characters: not read"
        return tuple(stamps), unreadable

    def loaded(self, filename: str, fresh: bool = True) -> _Loaded:
        """``filename`` loaded as an entry config, with the buffers standing for their files
        (kept until one file of its chain changes; with ``fresh=False``, the last load that
        succeeded is good enough: completion while typing)."""
        found: Optional[_Loaded] = self._loaded.fetch(filename)
        if not fresh and found is not None and found.cfg is not None:
            return found
        chain = self.chain(filename)
        stamps, unreadable = self._stamps(chain)
        if found is not None and found.chain == chain and found.stamps == stamps:
            return found
        cfg: Optional[Config] = None
        error: Optional[BaseException] = None if unreadable is None else ValueError(unreadable)
        tree: Any = None
        if error is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    safe = not self.settings.trusted
                    cfg = Config.fromfile(
                        filename,
                        safe=safe,
                        # Read (never run) what the workspace holds: `../_base_/...` too.
                        safe_root=project_roots(filename, self.settings.path) if safe else None,
                        import_custom_modules=False,
                        texts=self.texts,
                    )
                    tree = cfg.to_dict()
            except Exception as caught:  # any failure of any config is one diagnostic
                cfg, error = None, caught
        loaded = _Loaded(cfg, error, chain, stamps, tree, [None])
        self._loaded.put(filename, loaded)
        return loaded

    # -- the static index ----------------------------------------------------------------------

    def index_for(self, cfg: Config, scope: Optional[str] = None) -> Optional[Index]:
        """The static index ``cfg`` is checked against (or the one of ``scope``, for a base
        without a default scope); None while it is being built in the background
        (``on_index`` is called when it is ready)."""
        scope = scope or cfg.get("default_scope")
        imports = cfg.get("custom_imports")
        key = (scope if isinstance(scope, str) else None, repr(imports))
        with self._lock:
            found = self._indexes.fetch(key)
            if found is not None:
                return found  # type: ignore[no-any-return]  # _indexes holds Indexes
            if key in self._building:
                return None
            self._building.add(key)
        seed = Config({k: v for k, v in (("default_scope", scope), ("custom_imports", imports))
                       if v is not None})  # fmt: skip

        def build() -> None:
            try:
                index = static_index(seed, path=self.search_path)
                index.resolve()
            except Exception:  # a package that cannot be read: check without types
                from cfgkit.index import Index  # lazy: only when a build failed

                index = Index(self.search_path)
            with self._lock:
                self._indexes.put(key, index)
                self._building.discard(key)
            if self._on_index is not None:
                self._on_index()

        if self._schedule is None:
            build()
            with self._lock:
                return self._indexes.fetch(key)  # type: ignore[no-any-return]  # an Index
        self._schedule(build)
        return None

    def problems(self, loaded: _Loaded) -> Optional[list[Problem]]:
        """``check``'s problems of a loaded config (None while its index is being built)."""
        if loaded.problems[0] is not None:
            return loaded.problems[0]
        if loaded.cfg is None:
            return []
        # A base without a default scope is checked against the index of the scope it is
        # built in (see default_scope), not against every installed package.
        index = self.index_of(loaded)
        if index is None:
            return None
        try:
            found = check(loaded.cfg, index=index, imports=False)
        except Exception as error:  # a bug must not take the server down: say it
            found = [Problem("warning", "", None, None, f"cfgkit check failed: {error!r}")]
        loaded.problems[0] = found
        return found

    # -- diagnostics ----------------------------------------------------------------------------

    def diagnostics(self, filename: str) -> Optional[list[Diagnostic]]:
        """The problems of ``filename``: its own (loaded as an entry config), and those the
        open configs inheriting it find written in it. None while an index is being built."""
        loaded = self.loaded(filename)
        document = self.document(filename)
        found: list[Diagnostic] = []
        if loaded.error is not None:
            found.append(self._load_error(filename, loaded, document))
        problems = self.problems(loaded)
        if problems is None:
            return None
        everything = [p for p in problems if p.filename in (filename, None)]
        for other in list(self.texts):
            if other == filename or filename not in self.chain(other):
                continue
            theirs = self.problems(self.loaded(other))
            if theirs is None:
                return None
            everything.extend(p for p in theirs if p.filename == filename)
        unique: dict[Any, Problem] = {}
        for problem in everything:
            unique.setdefault((problem.lineno, problem.key, problem.message), problem)
        return found + [self._diagnostic(p, document) for p in unique.values()]

    def _load_error(self, filename: str, loaded: _Loaded, document: Document) -> Diagnostic:
        error = loaded.error
        where = getattr(error, "filename", None)
        lineno = getattr(error, "lineno", None)
        message = str(error) or type(error).__name__
        if where and os.path.abspath(where) != filename:
            # In a base: on the `_base_` entry that leads to it, or the first line.
            for entry, span in document.bases:
                path = self.base_path(entry, filename)
                if path is not None and where in self.chain(path):
                    return Diagnostic(span, "error", f"in a base: {message}")
            return Diagnostic(Span(0, 0, 0, 0), "error", message)
        line = (lineno - 1) if isinstance(lineno, int) and lineno > 0 else 0
        return Diagnostic(_line_span(document, line), "error", message)

    def _diagnostic(self, problem: Problem, document: Document) -> Diagnostic:
        text = f"{problem.message}. {problem.suggestion}" if problem.suggestion else problem.message
        if problem.lineno is None:
            return Diagnostic(Span(0, 0, 0, 0), problem.severity, text, problem.key)
        line = problem.lineno - 1
        last = problem.key.rpartition(".")[2]
        span = None
        for site in document.sites:
            if site.span.line != line or not site.path or str(site.path[-1]) != last:
                continue
            if last == TYPE and site.kind == "string":
                span = site.span
                break
            if site.kind == "key" and span is None:
                span = site.span
        if span is None:  # no quick fix without the text to replace
            return Diagnostic(_line_span(document, line), problem.severity, text, problem.key)
        suggested = problem.suggestion.startswith("Did you mean")
        replacements = tuple(_SUGGESTED.findall(problem.suggestion)) if suggested else ()
        return Diagnostic(span, problem.severity, text, problem.key, replacements)

    # -- definition -----------------------------------------------------------------------------

    def definition(self, filename: str, line: int, column: int) -> list[Location]:
        """Where what is at a position is defined (see the module docs)."""
        document = self.document(filename)
        for entry, span in document.bases:
            if span.contains(line, column):
                path = self.base_path(entry, filename)
                return [Location(path, Span(0, 0, 0, 0))] if path else []
        site = document.at(line, column, ("string", "reference", "key"))
        if site is None:
            return []
        loaded = self.loaded(filename)
        if loaded.cfg is None:
            return []
        if site.kind == "string" and site.path and site.path[-1] == TYPE:
            registrations = self.registrations(loaded, site.path[:-1], site.value) or ()
            places = [self.target(loaded, registration)[:2] for registration in registrations]
            return [Location(file, Span(line - 1, 0, line - 1, 0)) for file, line in places]
        if site.kind == "string":
            return []
        record = self._before(loaded.cfg, site.path, filename, bases_only=site.kind == "reference")
        if record is None or not record.filename:
            return []
        line_number = (record.lineno or 1) - 1
        return [Location(record.filename, Span(line_number, 0, line_number, 0))]

    def _before(self, cfg: Config, path: KeyPath, filename: str, bases_only: bool) -> Any:
        """The record of the value a file's key overrides: the last one written by another
        file before this file's first (for ``_base_.x``: the last by another file)."""
        records = _records(cfg, path)
        own = [i for i, r in enumerate(records) if r.filename == filename]
        if own and not bases_only:
            records = records[: own[0]]
        others = [r for r in records if r.filename and r.filename != filename]
        return others[-1] if others else None

    # -- types -----------------------------------------------------------------------------------

    def default_scope(self, loaded: _Loaded) -> Optional[str]:
        """The config's ``default_scope``; for a base without one, that of an open config
        inheriting it, else the package whose configs folder holds it (``mmdet`` for
        ``mmdet/.mim/configs/_base_/...``)."""
        filename = loaded.chain[0]
        inheriting = (o for o in list(self.texts) if o != filename and filename in self.chain(o))
        for tree in itertools.chain([loaded.tree], (self.loaded(o).tree for o in inheriting)):
            scope = tree.get("default_scope") if isinstance(tree, dict) else None
            if isinstance(scope, str) and scope:
                return scope
        parts = filename.split(os.sep)
        for number in range(len(parts) - 1, 0, -1):
            if parts[number] == "configs":
                at = number - 2 if parts[number - 1] == ".mim" else number - 1
                if os.path.isfile(os.path.join(os.sep.join(parts[:at]), parts[at], "__init__.py")):
                    return parts[at]
        return None

    def scope_at(self, loaded: _Loaded, path: KeyPath) -> Optional[str]:
        """The scope the dict at ``path`` is built in: the default scope, or the nearest
        ``_scope_`` on the way."""
        scope = self.default_scope(loaded)
        for end in range(len(path) + 1):
            node = _child_path(loaded.tree, path[:end])
            if isinstance(node, dict) and isinstance(node.get("_scope_"), str):
                scope = node["_scope_"] or scope
        return scope

    def registrations(
        self, loaded: _Loaded, path: KeyPath, name: object
    ) -> Optional[list[Registration]]:
        """What a build of ``type=name`` at ``path`` finds: ``Index.find`` in its scope,
        those of the registries that build at ``path`` first."""
        if not isinstance(name, str):
            return None
        index = self.index_of(loaded)
        if index is None:
            return None
        found = index.find(name, self.scope_at(loaded, path)) or []
        here = set(index.building_at(path, index.registries))
        return [r for r in found if r.registry in here] or found

    def target(self, loaded: _Loaded, registration: Registration) -> tuple[str, int, Any]:
        """``(file, line, definition)`` of the class or function a registration builds."""
        index = self.index_of(loaded)
        target = registration.target
        if index is not None and target is not None and target[0] != "params":
            found = index.definition(target[0], target[1])
            if found is not None and found[2][0] in ("class", "function"):
                info = index.module(found[0])
                if info is not None:
                    return info.filename, found[2][1], found
        return registration.filename, registration.lineno, None

    def index_of(self, loaded: _Loaded) -> Optional[Index]:
        """The index a loaded config's types are looked up in (None while it is built)."""
        if loaded.cfg is None:
            return None
        return self.index_for(loaded.cfg, scope=self.default_scope(loaded))

    def describe(self, loaded: _Loaded, registration: Registration) -> str:
        """Markdown: the signature, where it is registered, the docstring's first paragraph."""
        index = self.index_of(loaded)
        where = self.target(loaded, registration)
        signature, doc = registration.name, ""
        if index is not None:
            node = self._definition_node(where[0], where[1])
            if node is not None:
                doc = (ast.get_docstring(node) or "").strip().split("\n\n", 1)[0].strip()
                arguments = self._arguments(index, where)
                kind = "class" if isinstance(node, ast.ClassDef) else "def"
                signature = f"{kind} {node.name}({_render(arguments)})"
        registry = ""
        if index is not None and registration.registry in index.registries:
            found = index.registries[registration.registry]
            registry = f"registry `{found.name}` (scope `{found.scope}`)"
        place = f"{self.source_name(registration.filename)}:{registration.lineno}"
        registered = f"Registered in {registry} at {place}" if registry else f"Defined at {place}"
        text = f"```python\n{signature}\n```\n{registered}"
        return f"{text}\n\n{doc}" if doc else text

    def source_name(self, filename: str) -> str:
        """A source file named from the folder its package was found in
        (``mmdet/models/backbones/resnet.py``)."""
        for folder in self.search_path:
            folder = os.path.join(os.path.abspath(folder or "."), "")
            if filename.startswith(folder):
                return filename[len(folder) :]
        return filename

    def _definition_node(
        self, filename: str, lineno: int
    ) -> Optional[Union[ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef]]:
        """The ``class`` or ``def`` statement at ``lineno`` of a source file."""
        module = self._sources.fetch(filename)
        if module is None:
            try:  # an unreadable file reads as empty
                module = ast.parse(read_source(filename) or b"")
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                module = ast.Module(body=[], type_ignores=[])
            self._sources.put(filename, module)
        for node in module.body:
            if (
                isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and node.lineno == lineno
            ):
                return node
        return None

    def _arguments(
        self, index: Index, where: tuple[str, int, Any], depth: int = 0
    ) -> Optional[list[tuple[str, Optional[str]]]]:
        """``[(name, default text or None)]`` of what is called: a function's parameters, or
        the first ``__init__`` up a class's bases (self left out); None when unknown."""
        if depth > 10:
            return None
        node = self._definition_node(where[0], where[1])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return _parameters(node, method=False)
        if not isinstance(node, ast.ClassDef):
            return None
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
                return _parameters(statement, method=True)
        found = where[2]
        for base in found[2][2] if found is not None else ():
            parent = None if base is None else index.definition(found[0], base)
            if parent is None or parent[2][0] != "class":
                continue
            info = index.module(parent[0])
            if info is None:
                continue
            result = self._arguments(index, (info.filename, parent[2][1], parent), depth + 1)
            if result is not None:
                return result
        return None

    # -- hover -----------------------------------------------------------------------------------

    def hover(self, filename: str, line: int, column: int) -> Optional[tuple[str, Span]]:
        """Markdown for what is at a position, and the range it is about."""
        document = self.document(filename)
        site = document.at(line, column, ("string", "reference", "key"))
        if site is None:
            return None
        loaded = self.loaded(filename)
        if loaded.cfg is None:
            return None
        if site.kind == "string" and site.path and site.path[-1] == TYPE:
            registrations = self.registrations(loaded, site.path[:-1], site.value) or ()
            parts = [self.describe(loaded, registration) for registration in registrations]
            return ("\n\n---\n\n".join(parts), site.span) if parts else None
        if site.kind == "string" and site.path[:1] == (BASE,):
            return None
        path = site.path
        records = _records(loaded.cfg, path)
        if not records:
            return f"`{dotted(path)}` is not in the final config", site.span
        lines = [f"**{dotted(path)}** = `{_short(_child_path(loaded.tree, path))}`", ""]
        steps = []
        for record in records:
            if record.filename == filename:
                where = f"here, line {record.lineno}" if record.lineno else "here, here"
            else:
                where = f"at {_show(record.filename, filename)}"
                where += f":{record.lineno}" if record.lineno else ""
            action = "" if record.action in ("set", "replace") else f"{record.action} "
            steps.append(f"{action}`{_short(record.value, 40)}` {where}")
        lines.append(" → ".join(steps))
        for stale in loaded.cfg.stale_references():
            if (stale.variable,) == tuple(path) and stale.filename == filename:
                lines += [
                    "",
                    f"⚠ `{stale.key}` still holds a copy of the old value "
                    f"`{_short(stale.value, 40)}` (bound at "
                    f"{_show(stale.bound_filename, filename)}:{stale.bound_lineno})",
                ]
            if tuple(stale.path) == tuple(path):
                lines += [
                    "",
                    f"⚠ stale copy: bound to `{stale.variable}` at "
                    f"{_show(stale.bound_filename, filename)}:{stale.bound_lineno}, which "
                    f"{stale.changed_by} changed to `{_short(stale.expected, 40)}`",
                ]
        return "\n".join(lines), site.span

    # -- completion --------------------------------------------------------------------------------

    def completion(self, filename: str, line: int, column: int) -> list[Completion]:
        text = self.text(filename) or ""
        context = completion_context(text, line, column)
        if context.kind == "base":
            return self._base_files(filename, context, line, column)
        if context.kind not in ("type", "key"):
            return []
        # The text after the cursor gives keys too, when the whole text can be read.
        later = [
            key
            for site in self.document(filename).sites
            if site.kind == "dict" and site.path == context.path
            for key in site.value
        ]
        context = context._replace(given=tuple(dict.fromkeys((*context.given, *later))))
        loaded = self.loaded(filename, fresh=False)
        if loaded.cfg is None:
            return []
        if context.kind == "type":
            return self._type_names(loaded, context)
        return self._keys(loaded, context)

    def _type_names(self, loaded: _Loaded, context: CompletionContext) -> list[Completion]:
        index = self.index_of(loaded)
        if index is None:
            return []
        scope = self.scope_at(loaded, context.path)
        searched = index.searched(index.build_registries(scope))
        chosen = index.building_at(context.path, searched) or searched
        found: list[Completion] = []
        for key in chosen:
            registry = index.registries[key]
            for name, registrations in index.registrations.get(key, {}).items():
                first = registrations[0]
                place = f"{os.path.basename(first.filename)}:{first.lineno}"
                found.append(
                    Completion(name, "class", f"{registry.scope}::{registry.name} ({place})")
                )
                if len(found) >= MAX_COMPLETIONS:
                    return found
        return found

    def _keys(self, loaded: _Loaded, context: CompletionContext) -> list[Completion]:
        """The keys a dict may still give: those its bases give it (with their values and
        where they were set), then its class's keywords (with their defaults)."""
        assert loaded.cfg is not None
        node = _child_path(loaded.tree, context.path)
        given = set(context.given)
        found: dict[str, Completion] = {}
        suffix = "=" if context.in_call else ""
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str) or key in given or key.startswith("_"):
                    continue
                history = _records(loaded.cfg, (*context.path, key))
                last = history[-1] if history else None
                origin = f" ({_show(last.filename, '')}:{last.lineno})" if last else ""
                found[key] = Completion(
                    key, "key", f"inherited: {_short(value, 50)}{origin}", "", key + suffix
                )
        kind = node.get(TYPE) if isinstance(node, dict) else None
        index = self.index_of(loaded)
        for registration in (self.registrations(loaded, context.path, kind) or [])[:1]:
            if index is None:
                continue
            arguments = self._arguments(index, self.target(loaded, registration))
            if arguments is None:
                known = index.parameters(registration)
                arguments = [(n, None) for n in known[0]] if known else []
            for name, default in arguments:
                if name in given or name in found or name.startswith("*"):
                    continue
                detail = (
                    f"{registration.name}({name}={default})" if default else f"{name} (required)"
                )
                found[name] = Completion(name, "keyword", detail, "", name + suffix)
        return list(found.values())

    def _base_files(
        self, filename: str, context: CompletionContext, line: int, column: int
    ) -> list[Completion]:
        typed = context.prefix
        replace = Span(line, column - len(typed), line, column)
        if "::" in typed:
            package, _, relative = typed.partition("::")
            root, lead = self.configs_folder(package), f"{package}::"
            if root is None:
                return []
        else:
            root, relative, lead = os.path.dirname(filename), typed, ""
        directory, _, _ = relative.rpartition("/")
        listing = os.path.normpath(os.path.join(root, directory)) if directory else root
        try:
            names = sorted(os.listdir(listing))
        except OSError:
            return []
        found = []
        prefix = f"{lead}{directory}/" if directory else lead
        for name in names[:MAX_COMPLETIONS]:
            full = os.path.join(listing, name)
            if name.startswith(".") or name == "__pycache__":
                continue
            if os.path.isdir(full):
                found.append(Completion(prefix + name + "/", "folder", "", "", "", replace))
            elif name.endswith(SUPPORTED_EXTENSIONS) and full != filename:
                found.append(Completion(prefix + name, "file", "", "", "", replace))
        return found

    # -- symbols and hints ----------------------------------------------------------------------

    def symbols(self, filename: str) -> list[Symbol]:
        """The key tree the file writes."""
        document = self.document(filename)
        roots: list[Symbol] = []
        by_path: dict[KeyPath, Symbol] = {}
        types = {
            s.path[:-1]: s.value
            for s in document.sites
            if s.kind == "string" and s.path and s.path[-1] == TYPE
        }
        for site in document.sites:
            if site.kind not in ("key", "element") or not site.path:
                continue
            whole = site.value_span or site.span
            span = Span(site.span.line, site.span.column, whole.end_line, whole.end_column)
            name = str(site.path[-1]) if site.kind == "key" else f"[{site.path[-1]}]"
            symbol = Symbol(name, str(types.get(site.path, "")), span, site.span, [])
            parent = by_path.get(site.path[:-1])
            (parent.children if parent is not None else roots).append(symbol)
            by_path[site.path] = symbol
        return roots

    def hints(self, filename: str, first: int, last: int) -> list[Hint]:
        """Inherited values beside the keys that override them, on lines ``first..last``."""
        document = self.document(filename)
        loaded = self.loaded(filename)
        if loaded.cfg is None:
            return []
        found = []
        for site in document.sites:
            if site.kind != "key" or not first <= site.span.line <= last or not site.value_span:
                continue
            records = _records(loaded.cfg, site.path)
            # The file's first record; 0 when it has none or nothing was inherited before it.
            own = next((i for i, r in enumerate(records) if r.filename == filename), 0)
            if not own or records[own].action == "merge":
                continue
            before = records[own - 1]
            if before.action == "delete" or before.value == records[own].value:
                continue
            label = f" ← {_short(before.value, 30)}"
            tooltip = f"inherited from {_show(before.filename, filename)}:{before.lineno}"
            end = site.value_span
            found.append(Hint(end.end_line, end.end_column, label, tooltip))
        return found


# -- helpers -------------------------------------------------------------------------------------


def _records(cfg: Config, path: KeyPath) -> list[Any]:
    try:
        return list(cfg.provenance(path))
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):
        return []


def _child_path(node: object, path: KeyPath) -> object:
    """The value at ``path`` of a loaded tree, or None when something on the way is missing."""
    for part in path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, (list, tuple)) and isinstance(part, int):
            node = node[part] if -len(node) <= part < len(node) else None
        else:
            return None
    return node


def _short(value: object, limit: int = 80) -> str:
    return clipped(repr(value), limit)


def _show(filename: Optional[str], relative_to: str) -> str:
    """A file named as briefly as is clear: relative to the config's folder when close."""
    if not filename:
        return "?"
    if relative_to:
        relative = os.path.relpath(filename, os.path.dirname(relative_to))
        if not relative.startswith(os.path.join("..", "..", "..")):
            return relative
    parts = filename.split(os.sep)
    if "configs" in parts:  # a package's configs: from there
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("configs") :])
    return filename


def _line_span(document: Document, line: int) -> Span:
    text = document.lines[line] if 0 <= line < len(document.lines) else ""
    start = len(text) - len(text.lstrip())
    return Span(line, start, line, len(text.rstrip()) or start)


def _parameters(
    node: Union[ast.FunctionDef, ast.AsyncFunctionDef], method: bool
) -> list[tuple[str, Optional[str]]]:
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if method and positional:
        positional = positional[1:]
    defaults: list[Optional[ast.expr]] = [None] * (len(positional) - len(arguments.defaults))
    defaults += list(arguments.defaults)
    found = [
        (a.arg, _unparse(d)) for a, d in zip(positional, defaults) if a not in arguments.posonlyargs
    ]
    found += [(a.arg, _unparse(d)) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults)]
    if arguments.kwarg is not None:
        found.append(("**" + arguments.kwarg.arg, None))
    return found


def _unparse(node: Optional[ast.expr]) -> Optional[str]:
    return None if node is None else clipped(ast.unparse(node), 60)


def _render(arguments: Optional[Iterable[tuple[str, Optional[str]]]]) -> str:
    if arguments is None:
        return "..."
    shown = [name if default is None else f"{name}={default}" for name, default in arguments]
    return ", ".join(shown)
