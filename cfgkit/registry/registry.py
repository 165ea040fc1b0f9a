"""Registry: names to classes and functions, in a tree of scopes, as mmengine's ``Registry``."""

from __future__ import annotations

import _thread
import contextlib
import sys
import warnings
import weakref
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType

from cfgkit.errors import (
    AlreadyRegisteredError,
    DuplicateScopeError,
    RegistryArgumentError,
    RegistryLookupError,
    RegistryTypeError,
    UnnamedModuleError,
)
from cfgkit.registry.build import build_from_cfg
from cfgkit.registry.scope import DefaultScope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterator, Optional, Sequence, Union, overload

    from cfgkit._contracts import T

    # What registers: a class or a function (mmengine checks only that it is callable).
    Registrable = Callable[..., object]
    # The name or names to register under (None: the object's ``__name__``).
    Names = Union[str, Sequence[str], None]

__all__ = ["Registry", "all_registries", "import_object"]

FALLBACK_SCOPE = "mmengine"
# Every registry alive, for listing them (`cfgkit registry`); weak, so none is kept alive.
_all_registries: weakref.WeakSet[Registry] = weakref.WeakSet()


def all_registries() -> list[Registry]:
    """Every registry that exists now (roots and children), in no particular order."""
    return list(_all_registries)


def import_object(path: str) -> object:
    """Import the object a dotted path names, as mmengine's ``get_object_from_string``.

    The longest importable module prefix is imported, then attributes are followed:
    ``'os.path.join'`` is the function, ``'json'`` the module.

    Args:
        path: A dotted path.

    Returns:
        The object, or None when a module or an attribute does not exist.

    Raises:
        RegistryLookupError: The path is not a valid module path (``''``, ``'a..b'``).
    """
    parts = path.split(".")
    try:
        module = import_module(parts[0])
        index = 1
        while index < len(parts):
            attribute = getattr(module, parts[index], None)
            if attribute is not None and not isinstance(attribute, ModuleType):
                break
            module = import_module(".".join(parts[: index + 1]))
            index += 1
    except ImportError:
        return None
    except Exception as error:
        raise RegistryLookupError(f"Failed to get {path}: {error}") from error
    found: object = module
    for part in parts[index:]:
        found = getattr(found, part, None)
        if found is None:
            return None
    return found


def _import_scope_registry(scope: str) -> None:
    """Import ``<scope>.registry`` if there is one, so that the scope's registries exist
    (mmengine does the same; a scope without one is fine)."""
    with contextlib.suppress(ImportError, AttributeError):
        import_module(f"{scope}.registry")


def _defined_at(module: Registrable) -> str:
    """Where ``module`` is defined: ``package.module (file.py:12)``, as far as known."""
    where = getattr(module, "__module__", None) or "?"
    import inspect  # lazy: ~5 ms, and only this error message needs it

    try:
        filename = inspect.getsourcefile(module)
        line = inspect.getsourcelines(module)[1]
    except (TypeError, OSError):
        return where
    return f"{where} ({filename}:{line})"


class Registry:
    """A mapping from names to classes or functions, which builds objects from configs.

    Registries form a tree: a child (``parent=...``) has its own ``scope`` (by default the
    top-level package of the module that creates it), looks names up in its ancestors when
    they are not its own, and reaches its siblings with ``'scope.Name'`` keys.

    Args:
        name: The registry's name (``'model'``).
        build_func: What :meth:`build` calls; by default the parent's, else
            :func:`~cfgkit.registry.build_from_cfg`.
        parent: The parent registry.
        scope: The scope; inferred from the calling module when None.
        locations: Modules imported on the first lookup (where the registrations are).

    Raises:
        RegistryArgumentError: ``scope`` is not a string or ``parent`` not a Registry.
        DuplicateScopeError: ``parent`` already has a child with this scope.

    Examples:
        >>> MODELS = Registry('model', scope='demo')
        >>> @MODELS.register_module()
        ... class Net:
        ...     def __init__(self, depth):
        ...         self.depth = depth
        >>> MODELS.build(dict(type='Net', depth=3)).depth
        3
    """

    def __init__(
        self,
        name: str,
        build_func: Optional[Callable[..., object]] = None,
        parent: Optional[Registry] = None,
        scope: Optional[str] = None,
        locations: Sequence[str] = (),
    ) -> None:
        self._name = name
        self._module_dict: dict[str, Registrable] = {}
        self._children: dict[str, Registry] = {}
        self._locations = list(locations)
        self._imported = False
        self._lock = _thread.RLock()
        _all_registries.add(self)
        if scope is None:
            scope = self.infer_scope()
        elif not isinstance(scope, str):
            raise RegistryArgumentError(f"scope must be a string, but got {type(scope)}")
        self._scope = scope
        self.parent: Optional[Registry] = None
        if parent is not None:
            if not isinstance(parent, Registry):
                raise RegistryArgumentError(f"parent must be a Registry, but got {type(parent)}")
            parent._add_child(self)
            self.parent = parent
        if build_func is None:
            build_func = self.parent.build_func if self.parent is not None else build_from_cfg
        self.build_func: Callable[..., object] = build_func

    @staticmethod
    def infer_scope() -> str:
        """Return the top-level package of the module that called ``Registry(...)``.

        ``'__main__'`` for a script; ``'mmengine'`` (with a warning) when no module is known.
        """
        frame = sys._getframe(2)
        module_name = frame.f_globals.get("__name__")
        if not isinstance(module_name, str):
            warnings.warn(
                f'set scope as "{FALLBACK_SCOPE}" when scope can not be inferred. You can '
                'silence this warning by passing a "scope" argument to Registry like '
                '`Registry(name, scope="toy")`',
                stacklevel=3,
            )
            return FALLBACK_SCOPE
        return module_name.split(".")[0]

    @staticmethod
    def split_scope_key(key: str) -> tuple[Optional[str], str]:
        """Split ``'scope.Name'`` at the first dot: ``('scope', 'Name')``, or ``(None, key)``."""
        scope, dot, rest = key.partition(".")
        return (scope, rest) if dot else (None, key)

    @property
    def name(self) -> str:
        """The registry's name."""
        return self._name

    @property
    def scope(self) -> str:
        """The registry's scope."""
        return self._scope

    @property
    def module_dict(self) -> dict[str, Any]:
        """The registered names and objects (the live dict; the objects are the user's)."""
        return self._module_dict

    @property
    def children(self) -> dict[str, Registry]:
        """The child registries by scope."""
        return self._children

    @property
    def root(self) -> Registry:
        """The root of this registry's tree."""
        return self._get_root_registry()

    def _get_root_registry(self) -> Registry:
        *_, root = self._ancestors()
        return root

    def _ancestors(self) -> Iterator[Registry]:
        """This registry and its parents, nearest first: where a name without a scope is
        looked up."""
        registry: Optional[Registry] = self
        while registry is not None:
            yield registry
            registry = registry.parent

    def walk(self) -> Iterator[Registry]:
        """Yield this registry and every registry below it, depth first, parents first."""
        pending: list[Registry] = [self]
        while pending:
            registry = pending.pop()
            yield registry
            pending.extend(reversed(list(registry._children.values())))

    def _search_child(self, scope: str) -> Optional[Registry]:
        """Find the registry with ``scope`` in this subtree (depth first, self included)."""
        return next((r for r in self.walk() if r._scope == scope), None)

    def _add_child(self, registry: Registry) -> None:
        with self._lock:
            if registry.scope in self._children:
                raise DuplicateScopeError(f"scope {registry.scope} exists in {self.name} registry")
            self._children[registry.scope] = registry

    def import_from_location(self) -> None:
        """Import the ``locations`` modules once, so that their registrations run."""
        if self._imported:
            return
        for location in self._locations:
            import_module(location)
        # Only now: another thread that sees the flag must find the registrations done.
        self._imported = True

    def get(self, key: str) -> Any:
        """Return what ``key`` names (the user's class or function), or None.

        :meth:`lookup` first; when nothing is registered under the key, a dotted key is
        imported as a path, as mmengine does: ``get('torch.nn.Conv2d')`` imports
        ``torch.nn``.

        Raises:
            RegistryTypeError: ``key`` is not a string.
            RegistryLookupError: The key is not even a valid import path (``'a..b'``).
        """
        found = self.lookup(key)
        return found if found is not None else import_object(key)

    def lookup(self, key: str, import_scopes: bool = True) -> Optional[Registrable]:
        """Return what is registered under ``key``, or None; nothing but ``locations`` and
        ``<scope>.registry`` modules is imported (with ``import_scopes=False``, no
        ``<scope>.registry`` either: the scope comes from the key, which an untrusted config
        writes).

        ``'Name'`` is looked up here, then in the ancestors; ``'scope.Name'`` in the
        registry of that scope: this one, a child, or (through the root) the root or one of
        the root's children, exactly where mmengine's ``Registry.get`` looks. ``build`` and
        ``cfgkit check`` both find types through this.

        Raises:
            RegistryTypeError: ``key`` is not a string.
        """
        if not isinstance(key, str):
            raise RegistryTypeError(
                f"The key argument of `Registry.get` must be a str, got {type(key)}"
            )
        self.import_from_location()
        scope, name = self.split_scope_key(key)
        if scope is None:
            return self._find_unscoped(name)
        if scope == self._scope:
            return self._module_dict.get(name)
        if import_scopes:
            self._import_scope(scope)
        if scope in self._children:
            return self._children[scope].lookup(name, import_scopes)
        root = self._get_root_registry()
        if root is not self and (scope == root._scope or scope in root._children):
            return root.lookup(key, import_scopes)
        return None

    def _find_unscoped(self, name: str) -> Optional[Registrable]:
        """Find a name given without a scope: here, then in the ancestors."""
        for registry in self._ancestors():
            # Unlike mmengine, an ancestor's `locations` are imported before it is searched,
            # so its modules are found however the lookup starts.
            registry.import_from_location()
            found = registry._module_dict.get(name)
            if found is not None:
                return found
        return None

    def _import_scope(self, scope: str) -> None:
        """Import ``<scope>.registry`` before looking into another scope (as mmengine)."""
        _import_scope_registry(scope)

    def visible_names(self) -> list[str]:
        """The names :meth:`get` finds without a scope: this registry's and its ancestors'."""
        names: dict[str, None] = {}
        for registry in self._ancestors():
            registry.import_from_location()
            names.update(dict.fromkeys(registry._module_dict))
        return list(names)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        return len(self._module_dict)

    def __repr__(self) -> str:
        rows = [("Names", "Objects")]
        rows += [(name, str(obj)) for name, obj in sorted(self._module_dict.items())]
        widths = [max(len(row[i]) for row in rows) for i in (0, 1)]
        rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        head, *body = (f"| {n.ljust(widths[0])} | {o.ljust(widths[1])} |" for n, o in rows)
        return "\n".join(
            [f"Registry of {self._name} (scope: {self._scope})", rule, head, rule, *body, rule]
        )

    @contextmanager
    def switch_scope_and_registry(self, scope: Optional[str]) -> Iterator[Registry]:
        """Yield the registry to build with while ``scope`` is the default scope.

        With a default scope in force (``scope``, else the global one), that is the registry
        of that scope in this registry's tree, or this registry (with a warning) when the tree
        has none; without one, it is this registry.

        Args:
            scope: The scope a config asks for (its ``_scope_``), or None.
        """
        with DefaultScope.overwrite_default_scope(scope):
            current = DefaultScope.get_current_instance()
            if current is None:
                yield self
                return
            scope_name = current.scope_name
            _import_scope_registry(scope_name)
            root = self._get_root_registry()
            registry = root._search_child(scope_name)
            if registry is None:
                warnings.warn(
                    f'Failed to search registry with scope "{scope_name}" in the '
                    f'"{root.name}" registry tree. As a workaround, the current "{self.name}" '
                    f'registry in "{self.scope}" is used to build instance. This may cause '
                    "unexpected failure when running the built modules. Please check whether "
                    f'"{scope_name}" is a correct scope, or whether the registry is '
                    "initialized.",
                    stacklevel=3,
                )
                registry = self
            yield registry

    def build(self, cfg: object, *args: object, **kwargs: object) -> Any:
        """Build an object from ``cfg`` with this registry's ``build_func``.

        Args:
            cfg: A dict (or ``ConfigDict``, or ``Config``) with a ``type``.
            *args: Passed on to ``build_func``.
            **kwargs: Passed on to ``build_func`` (``default_args=...``).

        Returns:
            What ``build_func`` returns (the user's object).
        """
        return self.build_func(cfg, *args, **kwargs, registry=self)

    def _register_module(
        self, module: object, module_name: Names = None, force: bool = False
    ) -> None:
        if not callable(module):
            raise RegistryTypeError(f"module must be Callable, but got {type(module)}")
        if module_name is None:
            module_name = getattr(module, "__name__", None)
            if module_name is None:
                raise UnnamedModuleError(
                    f"{module!r} has no __name__; register it with a name: "
                    "register_module(name='...', module=...)"
                )
        names = [module_name] if isinstance(module_name, str) else list(module_name)
        with self._lock:
            for name in names:
                existing = self._module_dict.get(name)
                if existing is not None and not force:
                    raise AlreadyRegisteredError(
                        f"{name} is already registered in {self.name} at "
                        f"{_defined_at(existing)}; pass force=True to replace it"
                    )
            for name in names:
                self._module_dict[name] = module

    if TYPE_CHECKING:  # what comes back: the object given, or a decorator that returns its own

        @overload
        def register_module(self, name: Names, force: bool, module: T) -> T: ...
        @overload
        def register_module(self, name: Names = None, force: bool = False, *, module: T) -> T: ...
        @overload
        def register_module(
            self, name: Names = None, force: bool = False, module: None = None
        ) -> Callable[[T], T]: ...

    def register_module(
        self, name: Names = None, force: bool = False, module: object = None
    ) -> object:
        """Register a class or function, as a decorator or directly.

        Args:
            name: The name, or several names; by default the object's ``__name__``.
            force: Replace an object already registered under the name.
            module: The object to register now (instead of decorating).

        Returns:
            ``module`` when it is given, else a decorator that registers and returns its
            argument unchanged.

        Raises:
            RegistryTypeError: ``force`` is not a bool, ``name`` not a string or a sequence
                of strings, or the object is not callable.
            AlreadyRegisteredError: The name is taken and ``force`` is False; the message
                says where the registered object is defined.

        Examples:
            >>> TRANSFORMS = Registry('transform', scope='demo')
            >>> @TRANSFORMS.register_module(name=['Flip', 'RandomFlip'])
            ... def flip(image):
            ...     return image[::-1]
            >>> TRANSFORMS.get('RandomFlip') is flip
            True
        """
        if not isinstance(force, bool):
            raise RegistryTypeError(f"force must be a boolean, but got {type(force)}")
        valid_sequence = isinstance(name, (list, tuple)) and all(isinstance(n, str) for n in name)
        if not (name is None or isinstance(name, str) or valid_sequence):
            raise RegistryTypeError(
                f"name must be None, an instance of str, or a sequence of str, but got {type(name)}"
            )
        if module is not None:
            self._register_module(module, name, force)
            return module

        def register(obj: T) -> T:
            self._register_module(obj, name, force)
            return obj

        return register
