"""Where ``cfgkit check`` looks a ``type`` up: imported registries (``Registry.lookup``), or
the static index (``Index.find``, the same rules over sources), and what each found takes."""

from __future__ import annotations

import inspect
import typing
from typing import Callable, Iterable, Optional, Sequence

from cfgkit._key_paths import dotted
from cfgkit._keys import CUSTOM_IMPORTS_KEY, DEFAULT_SCOPE_KEY, TYPE_KEY
from cfgkit._openmmlab import (
    OWNED_REGISTRIES,
    TORCH_OPTIMIZERS,
    builders,
    distribution_of,
    named_builders,
    package_of,
    stem,
)
from cfgkit._records import NamedTuple
from cfgkit.checking._problems import (
    ERROR,
    MISSING_DEPENDENCY,
    NOT_CHECKED,
    NOTE,
    WARNING,
    Problem,
    problem,
)
from cfgkit.checking._walk import first
from cfgkit.errors import did_you_mean
from cfgkit.index._why import Cause, diagnose, either, move_fix, project_root
from cfgkit.registry._doctor import diagnosis
from cfgkit.registry.registry import Registry, all_registries

if typing.TYPE_CHECKING:
    from cfgkit._contracts import KeyPath
    from cfgkit.config import Config
    from cfgkit.index import Index, Registration

__all__ = [
    "Catalog",
    "Registries",
    "Signature",
    "StaticCatalog",
    "default_registries",
    "runtime_signature",
]


def default_registries(cfg: Config) -> list[Registry]:
    """The imported registries a config is checked against: those of its ``default_scope``,
    or every registry when it has none (or none of that scope exists)."""
    everything = all_registries()
    scope = cfg.get(DEFAULT_SCOPE_KEY)
    chosen = [r for r in everything if r.scope == scope] if isinstance(scope, str) else []
    return chosen or everything


class Signature(NamedTuple):
    """What a type builds takes: keyword names, whether ``**kwargs``, the required ones."""

    label: str
    accepted: list[str]
    takes_any: bool
    required: list[str]
    hints: dict[str, object]
    defaults: dict[str, object]


class Catalog:
    """Where types are looked up: imported registries, or a static index."""

    def find(self, kind: str) -> Optional[list[Optional[Signature]]]:
        """The signatures of what ``kind`` may build (None for unknown ones), or None when
        ``kind`` is registered nowhere searched."""
        raise NotImplementedError

    def unknown(self, cfg: Config, path: KeyPath, kind: str) -> Optional[Problem]:
        """The problem of a ``kind`` :meth:`find` did not find (None: nothing to say)."""
        raise NotImplementedError

    def names(self) -> list[str]:
        raise NotImplementedError

    def misplaced(self, cfg: Config, path: KeyPath, kind: str) -> Optional[Problem]:
        """The problem of a ``kind`` found only in a registry that does not build at
        ``path`` (a transform under ``model``), or None."""
        return None

    def popped(self, kind: str, parameter: str) -> set[str]:
        """Keys what ``kind`` builds takes out of its dict argument ``parameter``."""
        return set()

    def scope_set(self, kind: str, parameter: str) -> Optional[str]:
        """The scope what ``kind`` builds sets on its dict argument ``parameter``."""
        return None

    def reads_type(self, kind: str, parameter: str) -> bool:
        """Tell whether what ``kind`` builds reads its ``parameter`` dict's type itself."""
        return False


class Registries(Catalog):
    def __init__(self, registries: Sequence[Registry], imports: bool) -> None:
        self.registries = registries
        self.imports = imports

    def find(self, kind: str) -> Optional[list[Optional[Signature]]]:
        """Found exactly where ``Registry.build`` finds it (:meth:`Registry.lookup`),
        without the import fallback."""
        for registry in self.registries:
            found = registry.lookup(kind, self.imports)
            if found is not None:
                return [runtime_signature(found)]
        return None

    def unknown(self, cfg: Config, path: KeyPath, kind: str) -> Optional[Problem]:
        if _importable_path(kind, {r.scope for reg in self.registries for r in reg.root.walk()}):
            return _path_note(cfg, path, kind)
        where = ", ".join(sorted({f"{r.scope}::{r.name}" for r in self.registries})) or "none"
        unknown = problem(
            cfg,
            ERROR,
            (*path, TYPE_KEY),
            f"{kind!r} is not registered in the registries searched ({where})",
            did_you_mean(kind.rpartition(".")[2], self.names()),
        )
        # The doctor asks the registry that builds here (by the key path), as a build would.
        building = builders(path)
        registry = next((r for r in self.registries if stem(r.name) in building), None)
        if registry is None:
            return unknown
        return with_causes(unknown, diagnosis(kind, registry, path, cfg.filename))

    def names(self) -> list[str]:
        return list(dict.fromkeys(n for r in self.registries for n in r.visible_names()))


class StaticCatalog(Catalog):
    def __init__(
        self, index: Index, scope: Optional[str], other_scopes: Iterable[Optional[str]] = ()
    ) -> None:
        self.index = index
        self.scope = scope
        index.resolve()
        start = index.in_scope(scope)
        # The scope has no registry here: one warning says so, and types are not judged.
        self.blind = bool(scope) and not start
        # The scopes the scope's registries inherit from, for messages.
        self.inherited = list(
            dict.fromkeys(index.registries[k].scope for k in index.searched(start))
        )
        # Every registry a build may search, for close names and messages.
        self.searched = index.searched(index.build_registries(scope))
        self._found: dict[str, Optional[list[Registration]]] = {}
        # The other scopes the config builds in (:func:`scopes_used` of the whole config).
        self.other_scopes = set(other_scopes)

    def preamble(self, cfg: Config) -> list[Problem]:
        problems = []

        def warning(key: str, message: str, suggestion: str, code: str = "") -> Problem:
            return problem(cfg, WARNING, (key,), message, suggestion, code)

        scanned = ", ".join(self.index.packages) or "nothing"
        if self.blind:
            distribution = distribution_of(str(self.scope))
            problems.append(
                warning(
                    DEFAULT_SCOPE_KEY,
                    f"no registry of scope {self.scope!r} was found (scanned: {scanned}), so "
                    "types were not checked",
                    f"Install {distribution} (pip install {distribution}), or pass --scan "
                    "FOLDER (its sources) or --import MODULE (to import its registries)",
                    code=NOT_CHECKED,
                )
            )
        for package, distribution, requirement in self.index.missing_requirements():
            problems.append(
                warning(
                    DEFAULT_SCOPE_KEY,
                    f"{package} requires {requirement}, which is not installed here, so what "
                    f"{distribution} registers is unknown (unknown types are notes)",
                    f"Install {distribution}, or read its sources without installing it: pip "
                    f"download --no-deps --no-binary :all: --no-build-isolation "
                    f"'{requirement}', unpack the archive and pass --scan "
                    f"FOLDER/{package_of(distribution)} (docs/check.md)",
                    code=MISSING_DEPENDENCY,
                )
            )
        for module in self.index.unfound_imports:
            problems.append(
                warning(
                    CUSTOM_IMPORTS_KEY,
                    f"custom import {module!r} was not found, so what it registers is unknown "
                    "(unknown types are notes)",
                    "Run from the folder it is imported from, or pass --scan FOLDER",
                )
            )
        return problems

    def find(self, kind: str) -> Optional[list[Optional[Signature]]]:
        found = self._lookup(kind)
        if found is None:
            return None
        label = kind.rpartition(".")[2]
        return [self._signature(label, r) for r in found]

    def _lookup(self, kind: str) -> Optional[list[Registration]]:
        """What a build in the scope finds for ``kind`` (:meth:`Index.find`), once per kind."""
        if kind not in self._found:
            self._found[kind] = self.index.find(kind, self.scope)
        return self._found[kind]

    def popped(self, kind: str, parameter: str) -> set[str]:
        return {k for r in self._lookup(kind) or () for k in self.index.popped(r, parameter)}

    def scope_set(self, kind: str, parameter: str) -> Optional[str]:
        return first(self.index.scope_set(r, parameter) for r in self._lookup(kind) or ())

    def reads_type(self, kind: str, parameter: str) -> bool:
        return any(self.index.reads_type(r, parameter) for r in self._lookup(kind) or ())

    def _signature(self, label: str, registration: Registration) -> Optional[Signature]:
        parameters = self.index.parameters(registration)
        if parameters is None:
            return None
        names, required, takes_any = parameters
        target = registration.target
        if target[0] != "params":
            label = self.index.original_name(target[0], target[1])  # its __name__
        return Signature(label, list(names), takes_any, list(required), {}, {})

    def unknown(self, cfg: Config, path: KeyPath, kind: str) -> Optional[Problem]:
        if self.blind:
            return None
        scope = kind.partition(".")[0] if "." in kind else None
        if scope is not None and scope not in self.index.scopes():
            if _importable_path(kind, ()):
                return _path_note(cfg, path, kind)
            not_installed = problem(
                cfg,
                NOTE,
                (*path, TYPE_KEY),
                f"{kind!r} names the scope {scope!r}, which is not installed here, so it was "
                "not checked (build would import it)",
            )
            return self._diagnosed(cfg, path, kind, not_installed)
        suggestion = self._close_names(kind, path)

        def note(message: str) -> Problem:  # the type may exist: a note, with close names
            return problem(cfg, NOTE, (*path, TYPE_KEY), message, suggestion)

        dynamic = self._dynamic(kind, path)
        if dynamic is not None and kind in TORCH_OPTIMIZERS and stem(dynamic[0]) == "optimizer":
            return None  # mmengine registers torch.optim's optimizers when it is imported
        if dynamic is not None:
            registry, module, lineno = dynamic
            return note(
                f"{kind!r} is not among the names registered in the sources, but the "
                f"{registry} registry also registers names at run time ({module}, line "
                f"{lineno}), so it may exist"
            )
        if self.index.unfound_imports:
            return note(
                f"{kind!r} is not registered in the scanned packages; it may come from a "
                f"custom import that was not found ({', '.join(self.index.unfound_imports)})"
            )
        missing = [d for _, d, _ in self.index.missing_requirements()]
        if missing:
            return note(
                f"{kind!r} is not registered in the scanned packages; it may be registered in "
                f"{' or '.join(dict.fromkeys(missing))}, which is not installed here"
            )
        elsewhere = self._in_other_scope(kind)
        if elsewhere is not None:
            return note(
                f"{kind!r} is not registered in scope {self.scope!r} but in {elsewhere!r}, "
                "which this config also builds in (a dict handed to a class built there is "
                "built there too)"
            )
        unknown = problem(cfg, ERROR, (*path, TYPE_KEY), self._unknown_text(kind), suggestion)
        return self._diagnosed(cfg, path, kind, unknown)

    def _diagnosed(self, cfg: Config, path: KeyPath, kind: str, found: Problem) -> Problem:
        """``found`` with the registry doctor's causes and fixes (:func:`diagnose`)."""
        causes = diagnose(
            self.index,
            kind,
            self.scope,
            path,
            project=project_root(cfg.filename, self.index.path),
            search_path=self.index.path,
        )
        return with_causes(found, causes)

    def misplaced(self, cfg: Config, path: KeyPath, kind: str) -> Optional[Problem]:
        """A ``kind`` whose every registration is in a registry that builds only at other
        key paths (:data:`OWNED_REGISTRIES`: transforms, datasets, metrics, hooks, ...),
        while the key path names the registries that build here: the build would not find
        it. Key paths no table describes are not judged."""
        found = self._lookup(kind)
        if not found or any(not r.registry for r in found):
            return None
        building = builders(path)
        described = named_builders(path)  # judged only where the tables are sure
        kinds = {self.index.registries[r.registry].name for r in found}
        stems = {stem(k) for k in kinds}
        if not described or stems & building or not stems <= OWNED_REGISTRIES:
            return None
        kinds_text = " or ".join(sorted(kinds))
        # The registries of the build's own scope (and their parents), not every tree's root.
        own = self.index.searched(self.index.in_scope(self.scope))
        names = (self.index.registries[k].name for k in (own if self.scope else self.searched))
        here = sorted({n for n in names if stem(n) in building})
        built_from = either(here or sorted(described))
        fix = move_fix(sorted(kinds), built_from)
        return problem(
            cfg,
            ERROR,
            (*path, TYPE_KEY),
            f"{kind!r} is a {kinds_text}, but {dotted(path)} is built from the {built_from} "
            "registry, which does not have it",
            f"Fix: {fix}",
        )._replace(cause="other registry", fix=fix)

    def _close_names(self, kind: str, path: KeyPath) -> str:
        """Did-you-mean, from the registries that build at ``path`` first (a model's close
        names for a dict under ``model``), else from every registry searched."""
        here = self.index.building_at(path, self.searched)
        name = kind.rpartition(".")[2]
        return did_you_mean(name, self.index.names(here)) or did_you_mean(name, self.names())

    def _in_other_scope(self, kind: str) -> Optional[str]:
        """A scope the config also builds in (``_scope_='mmdet'``, ``type='mmdet.X'``) where
        a build finds ``kind``."""
        for scope in sorted(s for s in self.other_scopes - {self.scope} if s):
            if self.index.find(kind, scope, scan_scopes=False):
                return scope
        return None

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
        nothing is known of, one that builds the dict at this key path (:func:`builders`:
        the optimizer registry for ``optim_wrapper.optimizer``, the model registry under
        ``model``): one such registry does not make every unknown name a maybe."""
        building = builders(path)
        for key in self.searched:
            name = self.index.registries[key].name
            for prefix, module, lineno in self.index.runtime_registrations(key):
                if (prefix and kind.startswith(prefix)) or (not prefix and stem(name) in building):
                    return name, module, lineno
        return None

    def names(self) -> list[str]:
        return self.index.names(self.searched)


def with_causes(found: Problem, causes: Sequence[Cause]) -> Problem:
    """``found`` with the registry doctor's causes (in its message) and fixes (its
    suggestion, and the ``cause`` and ``fix`` fields)."""
    if not causes:
        return found
    why = "; ".join(c.why for c in causes)
    fixes = " | ".join(c.fix for c in causes)
    kinds = ", ".join(dict.fromkeys(c.kind for c in causes))
    if kinds == "spelling" and all(c.fix[5:] in found.suggestion for c in causes):
        # "Did you mean 'MLP'?" says it already: the text stays, the record gains why.
        return found._replace(cause=kinds, fix=fixes)
    if kinds == "not installed":  # the message says so already: only the fix is new
        return found._replace(suggestion=f"Fix: {fixes}", cause=kinds, fix=fixes)
    return found._replace(
        message=f"{found.message} ({why})",
        suggestion=f"Fix: {fixes}",
        cause=kinds,
        fix=fixes,
    )


def _path_note(cfg: Config, path: KeyPath, kind: str) -> Problem:
    return problem(
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


def runtime_signature(target: Callable[..., object]) -> Optional[Signature]:
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    parameters = signature.parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    by_keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    accepted = [name for name, p in parameters.items() if p.kind in by_keyword]
    required = [name for name in accepted if parameters[name].default is inspect.Parameter.empty]
    defaults = {name: p.default for name, p in parameters.items()}
    label = getattr(target, "__name__", repr(target))
    return Signature(label, accepted, takes_any, required, _hints(target), defaults)


def _hints(target: Callable[..., object]) -> dict[str, object]:
    function = vars(target).get("__init__", target) if isinstance(target, type) else target
    try:
        return typing.get_type_hints(function)
    except Exception:  # unresolvable annotations: check no types for this target
        return {}
