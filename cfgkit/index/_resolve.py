"""The static index: registries, what is registered in each, and the parameters of each
registered class or function, from the summaries of source files that were never imported.

Names are resolved as Python would bind them: a module's own definitions, then its imports
(``from .x import Y`` made absolute, package ``__init__`` re-exports, ``import *``), across
packages. Registrations count only in the packages scanned; registries and their parents are
followed into any package that can be found (so mmdet's ``MODELS`` finds its parent in
mmengine even when only mmdet was asked for). Signatures follow base classes only through
scanned packages: a base that cannot be read (``torch.nn.Module`` when torch is not scanned)
makes a class's signature unknown unless the class itself defines ``__init__``.
"""

from __future__ import annotations

import sys

from cfgkit._openmmlab import builders, stem
from cfgkit._records import NamedTuple
from cfgkit.errors import PackageNotFoundError
from cfgkit.index._packages import (
    OPENMMLAB_ROOTS,
    STDLIB,
    Package,
    find_package,
    folder_packages,
    load_summaries,
    missing_requirements,
    openmmlab_distributions,
    read_source,
)
from cfgkit.index._summary import summarise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Iterator, Optional, Sequence, Union

    from cfgkit._contracts import KeyPath
    from cfgkit.index._summary import (
        Argument,
        ClassDefinition,
        Parameters,
        RegistryDefinition,
        Summary,
    )

    # A class found in the index: (module, name, its definition).
    ClassFound = tuple[str, str, ClassDefinition]
    # What a registration builds: (module, expression), ('params', parameters), or None.
    Target = Optional[tuple[Optional[str], Union[str, Parameters, None]]]

__all__ = ["Index", "Registration", "StaticRegistry"]

# Bases that add nothing to a constructor.
_NEUTRAL_BASES = frozenset(
    {"object", "Generic", "typing.Generic", "ABC", "abc.ABC", "Protocol", "typing.Protocol"}
)
_MAX_DEPTH = 40


class StaticRegistry(NamedTuple):
    """A registry found in source: ``module:VARIABLE``, its name, scope and parent."""

    key: str
    name: str
    scope: str
    parent: Optional[str]
    filename: str
    lineno: int


class Registration(NamedTuple):
    """One name registered in a registry, where, and what it builds.

    ``target`` is ``(module, expression)`` to resolve, ``('params', parameters)`` for a
    function defined where it was registered, or None when the signature is unknown.
    """

    name: str
    registry: str
    filename: str
    lineno: int
    target: Any


def _identity(entry: Optional[tuple[str, str, object]]) -> Optional[tuple[str, str]]:
    return None if entry is None else (entry[0], entry[1])


class _Module(NamedTuple):
    filename: str
    is_package: bool
    summary: Any
    scanned: bool


class Index:
    """Registries and registrations of the scanned packages, read without importing them.

    Args:
        path: Where packages are looked for (``sys.path`` by default; the checker puts the
            current folder first, as ``python -m`` would).
    """

    def __init__(self, path: Optional[Sequence[str]] = None) -> None:
        self.path = list(path if path is not None else sys.path)
        self.packages: dict[str, Package] = {}
        # Modules a config's custom_imports name that could not be found.
        self.unfound_imports: list[str] = []
        self._modules: dict[str, _Module] = {}
        self._unscanned: dict[str, Optional[_Module]] = {}
        self._resolved = False
        self.registries: dict[str, StaticRegistry] = {}
        self.registrations: dict[str, dict[str, list[Registration]]] = {}
        # Registrations whose names are only known at run time: (name prefix, module, line).
        self.dynamic: dict[str, list[tuple[str, str, int]]] = {}
        self._signatures: dict[tuple[object, ...], Optional[Parameters]] = {}
        self._class_lists: dict[tuple[object, ...], list[ClassFound]] = {}
        self._openmmlab_names: Optional[set[str]] = None  # what OpenMMLab packages install
        self._missing: Optional[list[tuple[str, str, str]]] = None

    # -- what is scanned ------------------------------------------------------------------

    def scan(self, name_or_folder: str) -> bool:
        """Add a package (an import name, found on the path) or a source folder; tell
        whether anything was found."""
        import os  # lazy: only for telling folders from names

        if os.sep in name_or_folder or "/" in name_or_folder or os.path.isdir(name_or_folder):
            if not os.path.isdir(name_or_folder):
                return False
            found = folder_packages(name_or_folder)
            parent = os.path.abspath(name_or_folder)
            if len(found) == 1 and found[0].folder == parent:
                parent = os.path.dirname(parent)
            if parent not in self.path:
                self.path.insert(0, parent)
            for package in found:
                self._add(package)
            return bool(found)
        top = name_or_folder.partition(".")[0]
        found_package = self.packages.get(top) or find_package(top, self.path)
        if found_package is not None:
            self._add(found_package)  # nothing to do when it is scanned already
        return found_package is not None

    def scan_with_requirements(self, name: str) -> bool:
        """Scan ``name`` and the OpenMMLab packages it builds on (mmengine, mmcv, and any
        other installed package it imports that requires them)."""
        if not self.scan(name):
            return False
        pending = [name.partition(".")[0]]
        while pending:
            package = pending.pop()
            for other in sorted(self._imported_packages(package)):
                if other not in self.packages and self._is_openmmlab(other) and self.scan(other):
                    pending.append(other)
        return True

    def scan_given(self, names: Iterable[str], verb: str = "scan") -> None:
        """Scan each of ``names`` (a user's, by import name or folder) with its requirements.

        Raises:
            PackageNotFoundError: A name is neither an installed package nor a folder.
        """
        for name in names:
            if not self.scan_with_requirements(name):
                raise PackageNotFoundError(
                    f"cannot {verb} {name!r}: no package of that name is installed and no such "
                    "folder exists"
                )

    def scan_openmmlab(self) -> None:
        """Scan every installed distribution that is mmengine or mmcv or requires them."""
        for _, names, _ in openmmlab_distributions(self.path):
            for name in names:
                self.scan(name)
        for name in OPENMMLAB_ROOTS:
            if name not in self.packages and find_package(name, self.path) is not None:
                self.scan(name)

    def scan_parents(self) -> None:
        """Scan the packages that define the parents of scanned registries (mmengine for
        mmdet), until every registry's ancestors are in scanned packages: what is registered
        in a parent is visible from its children."""
        while True:
            self.resolve()
            tops = {key.partition(":")[0].partition(".")[0] for key in self.registries}
            wanted = {
                top for top in tops - set(self.packages) if find_package(top, self.path) is not None
            }
            if not wanted:
                return
            for name in sorted(wanted):
                self.scan_with_requirements(name)

    def _add(self, package: Package) -> None:
        if package.name in self.packages:
            return
        self.packages[package.name] = package
        self._missing = None
        for module, (filename, is_package, summary) in load_summaries(package).items():
            self._modules[module] = _Module(filename, is_package, summary, True)
        self._resolved = False

    def _imported_packages(self, package: str) -> set[str]:
        names: set[str] = set()
        prefix = package + "."
        for module, info in self._modules.items():
            if (module == package or module.startswith(prefix)) and info.summary:
                names.update(m.partition(".")[0] for m, _ in info.summary["imports"].values())
                names.update(m.partition(".")[0] for m in info.summary["stars"])
        names.discard(package)
        return names

    def _is_openmmlab(self, name: str) -> bool:
        if name in OPENMMLAB_ROOTS:
            return find_package(name, self.path) is not None
        if self._openmmlab_names is None:
            distributions = openmmlab_distributions(self.path)
            self._openmmlab_names = {top for _, names, _ in distributions for top in names}
        return name in self._openmmlab_names

    # -- modules and names ----------------------------------------------------------------

    def module(self, name: str) -> Optional[_Module]:
        """A module's summary: scanned, or read on demand from wherever it is found."""
        found = self._modules.get(name)
        if found is not None:
            return found
        if name in self._unscanned:
            return self._unscanned[name]
        self._unscanned[name] = None
        filename, is_package = self._locate(name)
        if filename is not None and (source := read_source(filename)) is not None:
            summary = summarise(source, name, is_package, filename)
            self._unscanned[name] = _Module(filename, is_package, summary, False)
        return self._unscanned[name]

    def _locate(self, name: str) -> tuple[Optional[str], bool]:
        import os  # lazy: as above

        top, _, rest = name.partition(".")
        package = self.packages.get(top) or find_package(top, self.path)
        if package is None:
            return None, False
        if package.single_file:
            return (package.folder, False) if not rest else (None, False)
        folder = os.path.join(package.folder, *rest.split(".")) if rest else package.folder
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            return os.path.join(folder, "__init__.py"), True
        if rest and os.path.isfile(folder + ".py"):
            return folder + ".py", False
        return None, False

    def modules(self) -> Iterator[tuple[str, str, Optional[Summary]]]:
        """``(module, file name, summary)`` of every scanned module."""
        for name, info in list(self._modules.items()):
            yield name, info.filename, info.summary

    def definition(
        self, module: str, expression: str, scanned_only: bool = False
    ) -> Optional[tuple[str, str, Any]]:
        """``(module, name, definition)`` that ``expression`` names in ``module``, or None."""
        return self._definition(module, expression, scanned_only, set())

    def _definition(
        self, module: str, expression: str, scanned_only: bool, seen: set[tuple[str, str]]
    ) -> Optional[tuple[str, str, Any]]:
        if (module, expression) in seen or len(seen) > _MAX_DEPTH:
            return None
        seen.add((module, expression))
        info = self.module(module)
        if info is None or not info.summary or (scanned_only and not info.scanned):
            return None
        head, _, rest = expression.partition(".")
        summary = info.summary
        found = summary["defs"].get(head)
        if found is not None:
            if found[0] == "alias":
                target = found[1] + (f".{rest}" if rest else "")
                return self._definition(module, target, scanned_only, seen)
            return (module, head, found) if not rest else None
        imported = summary["imports"].get(head)
        if imported is not None:
            source, attribute = imported
            if attribute is None:  # import a.b as head: head is the module a.b
                return self._in_module(source, rest, scanned_only, seen)
            submodule = f"{source}.{attribute}"
            if self._is_module(submodule):
                return self._in_module(submodule, rest, scanned_only, seen)
            target = attribute + (f".{rest}" if rest else "")
            return self._definition(source, target, scanned_only, seen)
        for star in summary["stars"]:
            found_there = self._definition(star, expression, scanned_only, seen)
            if found_there is not None:
                return found_there
        if info.is_package and self._is_module(f"{module}.{head}"):
            return self._in_module(f"{module}.{head}", rest, scanned_only, seen)
        return None

    def _in_module(
        self, module: str, rest: str, scanned_only: bool, seen: set[tuple[str, str]]
    ) -> Optional[tuple[str, str, Any]]:
        if not rest:
            return None  # a module itself is not a class, a function or a registry
        head, _, tail = rest.partition(".")
        if self._is_module(f"{module}.{head}") and tail:
            return self._in_module(f"{module}.{head}", tail, scanned_only, seen)
        return self._definition(module, rest, scanned_only, seen)

    def _is_module(self, name: str) -> bool:
        return name in self._modules or self.module(name) is not None

    def original_name(self, module: str, expression: str) -> str:
        """What ``__name__`` the object ``expression`` names would have."""
        found = self.definition(module, expression)
        return found[1] if found is not None else self._imported_name(module, expression, set())

    def _imported_name(self, module: str, expression: str, seen: set[tuple[str, str]]) -> str:
        last = expression.rpartition(".")[2]
        if "." in expression or (module, expression) in seen:
            return last
        seen.add((module, expression))
        info = self.module(module)
        if info is None or not info.summary:
            return last
        found = info.summary["defs"].get(expression)
        if found is not None and found[0] == "alias":
            return self._imported_name(module, found[1], seen)
        imported = info.summary["imports"].get(expression)
        if imported is not None and imported[1] is not None:
            return self._imported_name(imported[0], imported[1], seen)
        return last

    # -- registries and registrations -------------------------------------------------------

    def resolve(self) -> None:
        """Find every registry, registration and run-time registration (once per scan)."""
        if self._resolved:
            return
        self._resolved = True
        self._signatures = {}  # a new scan may make a base readable
        self._class_lists = {}
        self.registries = {}
        self.registrations = {}
        self.dynamic = {}
        for module, info in list(self._modules.items()):
            if not info.summary:
                continue
            for name, found in info.summary["defs"].items():
                if found[0] == "registry":
                    self._registry(module, name, found, info.filename)
        for module, info in list(self._modules.items()):
            if info.summary:
                self._registrations(module, info)

    def registry_key(self, module: str, expression: Optional[str]) -> Optional[str]:
        """The key of the registry ``expression`` names in ``module``, or None."""
        if expression is None:
            return None
        found = self.definition(module, expression) or self._absolute(expression)
        if found is None or found[2][0] != "registry":
            return None
        where, name, definition = found
        info = self.module(where)
        self._registry(where, name, definition, info.filename if info else "")
        return f"{where}:{name}"

    def _registry(
        self, module: str, name: str, definition: RegistryDefinition, filename: str
    ) -> None:
        key = f"{module}:{name}"
        if key in self.registries:
            return
        _, lineno, registry_name, parent, scope = definition
        self.registries[key] = StaticRegistry(
            key, registry_name, scope or module.partition(".")[0], None, filename, lineno
        )
        parent_key = self.registry_key(module, parent)
        if parent_key is not None and parent_key != key:
            self.registries[key] = self.registries[key]._replace(parent=parent_key)

    def _register(
        self, registry: str, name: str, filename: str, lineno: int, target: Target
    ) -> None:
        entry = Registration(name, registry, filename, lineno, target)
        self.registrations.setdefault(registry, {}).setdefault(name, []).append(entry)

    def _registrations(self, module: str, info: _Module) -> None:
        for registry_expression, names, target, lineno, dynamic in info.summary["registrations"]:
            registry = self.registry_key(module, registry_expression)
            if registry is None:
                continue
            if dynamic is not None:
                self.dynamic.setdefault(registry, []).append((dynamic, module, lineno))
                continue
            if names is None:
                names = [self.original_name(module, target)] if target else []
            reference = (module, target) if target else None
            for name in names:
                self._register(registry, name, info.filename, lineno, reference)
        for function, positional, keywords, lineno, decorated in info.summary["calls"]:
            self._helper_call(module, info, function, positional, keywords, lineno, decorated)

    def _helper_call(
        self,
        module: str,
        info: _Module,
        function: str,
        positional: list[Argument],
        keywords: dict[str, Argument],
        lineno: int,
        decorated: Optional[str],
    ) -> None:
        """A call of a function that registers into a registry it is given (one call deep)."""
        imported = info.summary["imports"].get(function.partition(".")[0])
        if imported is not None and imported[0].partition(".")[0] in STDLIB:
            # `@dataclass`, `mock.patch(...)`, `logging.getLogger(...)`: the standard library
            # registers nothing, and reading its sources (unittest.mock, logging) to learn so
            # was most of the time a failed build's diagnosis took.
            return
        found = self.definition(module, function)
        if found is None or found[2][0] != "helper":
            return
        helper_module, _, helper = found
        _, _, names, defaults, registry_parameter, name_rule, target_rule = helper
        given = [*zip(names, positional), *((p, a) for p, a in keywords.items() if p in names)]
        bound: dict[str, tuple[str, Any]] = {p: (module, a) for p, a in given}
        free = [p for p in names if p not in bound and p != registry_parameter]
        if decorated is not None and free:  # the decorated object: the first free parameter
            bound[free[0]] = (module, decorated)
        for parameter, default in defaults.items():
            bound.setdefault(parameter, (helper_module, default))
        where, expression = bound.get(registry_parameter, (module, None))
        registry = self.registry_key(where, expression) if isinstance(expression, str) else None
        if registry is None:
            return
        if name_rule is None and target_rule and target_rule[0] == "param":
            name_rule = ("name_of", target_rule[1])
        kind, rule = name_rule or ("dynamic", "")
        # The module and argument of the parameter the rule names.
        value_module, value = bound.get(rule, ("", None)) if kind.endswith("_of") else ("", None)
        registered: list[str] = []
        if kind == "names":
            registered = list(rule)
        elif kind == "name_of" and isinstance(value, str):
            registered = [self.original_name(value_module, value)]
        elif kind in ("value_of", "each_of") and isinstance(value, list):
            registered = value if kind == "each_of" or len(value) == 1 else []
        if not registered:
            prefix = rule if kind == "dynamic" else ""
            self.dynamic.setdefault(registry, []).append((prefix, module, lineno))
            return
        target: Any = None
        if target_rule and target_rule[0] == "params":
            target = target_rule
        elif target_rule and target_rule[0] == "param":
            owner, argument = bound.get(target_rule[1], (None, None))
            if isinstance(argument, str):
                target = (owner, argument)
        for name in registered:
            self._register(registry, name, info.filename, lineno, target)

    # -- signatures ---------------------------------------------------------------------------

    def parameters(self, registration: Registration) -> Optional[Parameters]:
        """``(names, required, takes_any)`` of what ``registration`` builds, or None."""
        target = registration.target
        if target is None:
            return None
        if target[0] == "params":
            given: Parameters = target[1]
            return given
        key = tuple(target)
        if key not in self._signatures:
            self._signatures[key] = None  # a cycle of bases is unknown
            self._signatures[key] = self._parameters_of(target[0], target[1])
        return self._signatures[key]

    def _split_path(self, path: str) -> Optional[tuple[str, str]]:
        """``(module, expression)`` of a dotted import path: its longest prefix that is a
        module, and the rest (``('pkg.registry', 'MODELS')``); None when there is none."""
        parts = path.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if self._is_module(module):
                return module, ".".join(parts[cut:])
        return None

    def _absolute(self, path: str) -> Optional[tuple[str, str, Any]]:
        """What a dotted import path (``'pkg.registry.MODELS'``) names, or None."""
        split = self._split_path(path)
        return self.definition(*split) if split is not None else None

    def at_path(self, path: str) -> Optional[Registration]:
        """What a dotted import path names (``'mmdet.models.RetinaNet'``, as a pure-Python
        config's ``type`` or a dotted type that ``build`` imports), as a registration of no
        registry; None when no class or function is found there."""
        split = self._split_path(path)
        found = self.definition(*split) if split is not None else None
        if found is None or found[2][0] not in ("class", "function"):
            return None
        info = self.module(found[0])
        filename = info.filename if info is not None else ""
        return Registration(found[1], "", filename, found[2][1], split)

    def _parameters_of(self, module: str, expression: str) -> Optional[Parameters]:
        found = self.definition(module, expression, scanned_only=True)
        if found is None:
            return None
        if found[2][0] == "function":
            parameters: Optional[Parameters] = found[2][2]
            return parameters
        return self._constructor(found) if found[2][0] == "class" else None

    def _constructor(self, found: ClassFound) -> Optional[Parameters]:
        """The parameters of the first ``__init__`` in the class's method resolution order
        (C3, as Python computes it), or None when a class before it cannot be read."""
        for entry in self._mro(found, 0) or [None]:  # no order: unknown
            if entry is None:
                return None  # a base that cannot be read comes first
            _, _, (_, _, _, init, opaque, _, _, _) = entry
            if opaque:
                return None
            if init is not None:
                return init
        # No __init__ anywhere up the bases: object's takes nothing, so a dict with keywords
        # for such a class is built some other way (FlamingoLMAdapter.extend_init): unknown.
        return None

    def _mro(self, found: ClassFound, depth: int) -> Optional[list[Optional[ClassFound]]]:
        """C3 linearisation of a class; a base that cannot be read is a ``None`` leaf."""
        if depth > _MAX_DEPTH:
            return None
        module, _, (_, _, bases, _, _, _, _, _) = found
        sequences: list[list[Any]] = []
        direct: list[Any] = []
        for base in bases:
            if base in _NEUTRAL_BASES:
                continue
            parent = None if base is None else self.definition(module, base, scanned_only=True)
            if parent is None or parent[2][0] != "class":
                sequences.append([None])
                direct.append(None)
                continue
            linear = self._mro(parent, depth + 1)
            if linear is None:
                return None
            sequences.append(linear)
            direct.append(parent)
        sequences.append(direct)
        result: list[Optional[ClassFound]] = [found]
        while True:
            sequences = [s for s in sequences if s]
            if not sequences:
                return result
            for sequence in sequences:
                head = sequence[0]
                if not any(_identity(head) in map(_identity, s[1:]) for s in sequences):
                    break
            else:
                return None  # no consistent order: Python would refuse the class
            result.append(head)
            sequences = [s[1:] if _identity(s[0]) == _identity(head) else s for s in sequences]

    def popped(self, registration: Registration, parameter: str) -> set[str]:
        """Keys the constructors of what ``registration`` builds take out of the dict given
        as ``parameter`` before building it (every ``__init__`` up the class's bases)."""
        return {k for entry in self._classes(registration) for k in entry[2][5].get(parameter, ())}

    def scope_set(self, registration: Registration, parameter: str) -> Optional[str]:
        """The scope the constructor builds its ``parameter`` dict in, if it sets one."""
        for entry in self._classes(registration):
            if parameter in entry[2][6]:
                return str(entry[2][6][parameter])
        return None

    def reads_type(self, registration: Registration, parameter: str) -> bool:
        """Tell whether the class (or a base) reads the ``'type'`` of its ``parameter`` dict
        itself: of a name that is the parameter's, or one's start (``vis_kwargs`` of
        ``vis_kwargs_list``)."""
        names = (name for entry in self._classes(registration) for name in entry[2][7])
        return any(parameter.startswith(name) or name.startswith(parameter) for name in names)

    def _classes(self, registration: Registration) -> list[ClassFound]:
        """The readable classes up the bases of what ``registration`` builds (kept until
        the next scan changes what can be read)."""
        target = registration.target
        if target is None or target[0] == "params":
            return []
        key = tuple(target)
        cached = self._class_lists.get(key)
        if cached is not None:
            return cached
        found = self.definition(target[0], target[1], scanned_only=True)
        classes: list[ClassFound] = []
        if found is not None and found[2][0] == "class":
            classes = [entry for entry in self._mro(found, 0) or [found] if entry is not None]
        self._class_lists[key] = classes
        return classes

    # -- lookups, rule for rule as the run-time Registry ----------------------------------

    def lookup(self, name: str, key: str, scan_scopes: bool = True) -> Optional[list[Registration]]:
        """What ``Registry.lookup(name)`` called on the registry ``key`` finds, or None.

        The rules of :meth:`cfgkit.registry.Registry.lookup`, one for one: ``'Name'`` in this
        registry, else in the nearest ancestor that has it; ``'scope.Name'`` here when
        ``scope`` is this registry's, in the child of that scope, or through the root (the
        root itself, or one of its children). Where the run-time lookup imports
        ``<scope>.registry``, that scope's package is scanned instead (``scan_scopes``), when
        it is installed. A name the sources register more than once in the registry that
        answers gives every registration (one of them is what an import order picks).

        Args:
            name: The ``type`` as a config writes it.
            key: The registry to start from (``'module:VARIABLE'``).
            scan_scopes: Scan the package of a scope that ``name`` names.
        """
        self.resolve()
        registry = self.registries.get(key)
        if registry is None:
            return None
        scope, dot, rest = name.partition(".")
        if not dot:
            for ancestor in self.ancestors(key):
                found = self.registrations.get(ancestor.key, {}).get(name)
                if found:
                    return list(found)
            return None
        if scope == registry.scope:
            found = self.registrations.get(key, {}).get(rest)
            return list(found) if found else None
        if scan_scopes:
            self.scan_scope(scope)
        child = self.children(key).get(scope)
        if child is not None:
            return self.lookup(rest, child, scan_scopes)
        root = self.root(key)
        if root != key and (scope == self.registries[root].scope or scope in self.children(root)):
            return self.lookup(name, root, scan_scopes)
        return None

    def find(
        self, name: str, scope: Optional[str], scan_scopes: bool = True
    ) -> Optional[list[Registration]]:
        """What a build in ``scope`` (a config's ``default_scope``) finds for ``type=name``.

        :meth:`lookup` from each registry a build may start at (:meth:`build_registries`),
        and, for a dotted name no registry has, what the name names as an import path (as
        ``Registry.get`` falls back to importing it).
        """
        found: list[Registration] = []
        for key in self.build_registries(scope):
            # By identity: a target may hold lists, and one registration is found from
            # every registry below the one that has it.
            seen = {id(r) for r in found}
            found.extend(r for r in self.lookup(name, key, scan_scopes) or () if id(r) not in seen)
        if not found and "." in name:
            at_path = self.at_path(name)
            return [at_path] if at_path is not None else None
        return found or None

    def build_registries(self, scope: Optional[str]) -> list[str]:
        """The registries a build in ``scope`` starts from: in each registry tree, those of
        ``scope`` (``Registry.build`` switches to them), else the tree's root (which a runner
        builds from); every registry when ``scope`` is None."""
        start = self.in_scope(scope)
        if scope is None:
            return start
        covered = {self.root(k) for k in start}
        return start + [k for k in self.roots() if k not in covered]

    def building_at(self, path: KeyPath, keys: Iterable[str]) -> list[str]:
        """The registries of ``keys`` that may build the dict at ``path`` (:func:`builders`)."""
        building = builders(path)
        return [k for k in keys if stem(self.registries[k].name) in building]

    def children(self, key: str) -> dict[str, str]:
        """The registries whose parent is ``key``, by scope (the first of each scope, as a
        second child of one scope is refused at run time)."""
        found: dict[str, str] = {}
        for registry in self.registries.values():
            if registry.parent == key and registry.key != key:
                found.setdefault(registry.scope, registry.key)
        return found

    def scan_scope(self, scope: str) -> None:
        """Read the package of ``scope`` when it was not read and is installed."""
        readable = all(n.isidentifier() for n in scope.split("."))
        if readable and scope not in self.scopes() and self.scan_with_requirements(scope):
            self.scan_parents()
            self.resolve()

    # -- queries for the checker ---------------------------------------------------------------

    def scopes(self) -> set[str]:
        self.resolve()
        return {r.scope for r in self.registries.values()}

    def ancestors(self, key: str) -> Iterator[StaticRegistry]:
        """The registry ``key`` and its parents, nearest first."""
        seen = set()
        current: Optional[str] = key
        while current is not None and current not in seen:
            seen.add(current)
            registry = self.registries.get(current)
            if registry is None:
                return
            yield registry
            current = registry.parent

    def searched(self, keys: Iterable[str]) -> list[str]:
        """The registries an unscoped lookup from any of ``keys`` searches: each and its
        ancestors, nearest first, once each (``Registry.visible_names``' registries)."""
        return list(dict.fromkeys(r.key for k in keys for r in self.ancestors(k)))

    def root(self, key: str) -> str:
        last = key
        for registry in self.ancestors(key):
            last = registry.key
        return last

    def roots(self) -> list[str]:
        """Keys of the registries without a parent."""
        self.resolve()
        return [k for k, r in self.registries.items() if r.parent is None]

    def in_scope(self, scope: Optional[str]) -> list[str]:
        """Keys of the registries of ``scope`` (of every scanned registry when None)."""
        self.resolve()
        if scope is None:
            return list(self.registries)
        return [k for k, r in self.registries.items() if r.scope == scope]

    def missing_requirements(self) -> list[tuple[str, str, str]]:
        """``(package, distribution, requirement)`` for each OpenMMLab distribution a scanned
        package requires that is not installed here, so what it registers is unknown."""
        if self._missing is None:
            self._missing = missing_requirements(list(self.packages), self.path)
        return self._missing

    def runtime_registrations(self, key: str) -> list[tuple[str, str, int]]:
        """``(name prefix, module, line)`` of each registration into ``key`` whose name is
        only known at run time; public modules first (``mmengine.optim`` before
        ``mmengine._strategy``), as the ones to show."""
        found = self.dynamic.get(key, [])
        return sorted(found, key=lambda e: (any(p.startswith("_") for p in e[1].split(".")), e))

    def names(self, keys: Iterable[str]) -> list[str]:
        """The names registered in the registries ``keys``, each once."""
        return list(dict.fromkeys(n for k in keys for n in self.registrations.get(k, {})))
