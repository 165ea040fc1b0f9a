"""DefaultScope: which package's registries a build uses when a config names no scope.

As in mmengine, scopes are named instances (``DefaultScope.get_instance(name,
scope_name=...)``) and the current one is the latest created. Unlike mmengine, the
temporary scope of ``overwrite_default_scope`` (what ``_scope_`` in a config sets while it is
built) lives in a context variable, so builds in other threads are not affected.
"""

from __future__ import annotations

import _thread
import itertools
import warnings
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar

from cfgkit._lazy_modules import lazy_module
from cfgkit.errors import RegistryArgumentError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime
    from typing import ClassVar, Iterator, Optional
else:
    datetime = lazy_module("datetime")  # lazy: see cfgkit._lazy_modules

__all__ = ["DefaultScope", "init_default_scope"]

_overrides: ContextVar[tuple[DefaultScope, ...]] = ContextVar("cfgkit_scope_overrides", default=())
_counter = itertools.count()


class DefaultScope:
    """A named default scope (mmengine's ``DefaultScope``).

    Args:
        name: The instance name.
        scope_name: The scope, usually a package name such as ``'mmdet'``.

    Raises:
        RegistryArgumentError: ``name`` or ``scope_name`` is not a non-empty string.

    Examples:
        >>> scope = DefaultScope.get_instance('task', scope_name='mmdet')
        >>> DefaultScope.get_current_instance().scope_name
        'mmdet'
    """

    _instance_dict: ClassVar[OrderedDict[str, DefaultScope]] = OrderedDict()
    _lock: ClassVar[_thread.RLock] = _thread.RLock()

    def __init__(self, name: str, scope_name: str) -> None:
        if not isinstance(name, str) or not name:
            raise RegistryArgumentError("name argument must be an non-empty string.")
        if not isinstance(scope_name, str):
            raise RegistryArgumentError(f"scope_name should be a string, but got {scope_name}")
        self._instance_name = name
        self._scope_name = scope_name

    @property
    def scope_name(self) -> str:
        """The scope this instance selects."""
        return self._scope_name

    @property
    def instance_name(self) -> str:
        """The name the instance was created under."""
        return self._instance_name

    def __repr__(self) -> str:
        return f"DefaultScope(name={self._instance_name!r}, scope_name={self._scope_name!r})"

    @classmethod
    def get_instance(cls, name: str, **kwargs: str) -> DefaultScope:
        """Return the instance called ``name``, creating it (and making it current) if new.

        Raises:
            RegistryArgumentError: ``name`` is not a string.
        """
        if not isinstance(name, str):
            raise RegistryArgumentError(f"type of name should be str, but got {type(name)}")
        with cls._lock:
            instance = cls._instance_dict.get(name)
            if instance is None:
                instance = cls._instance_dict[name] = cls(name=name, **kwargs)
            return instance

    @classmethod
    def get_current_instance(cls) -> Optional[DefaultScope]:
        """Return the scope in force: the innermost override in this context, else the latest
        created instance, else None."""
        overrides = _overrides.get()
        if overrides:
            return overrides[-1]
        with cls._lock:
            return next(reversed(cls._instance_dict.values()), None)

    @classmethod
    def check_instance_created(cls, name: str) -> bool:
        """Tell whether an instance called ``name`` exists."""
        return name in cls._instance_dict

    @classmethod
    @contextmanager
    def overwrite_default_scope(cls, scope_name: Optional[str]) -> Iterator[None]:
        """Make ``scope_name`` the current scope inside the ``with`` block (None: no change)."""
        if scope_name is None:
            yield
            return
        instance = cls(f"overwrite-{next(_counter)}", scope_name=scope_name)
        token = _overrides.set((*_overrides.get(), instance))
        try:
            yield
        finally:
            _overrides.reset(token)


def init_default_scope(scope: str) -> None:
    """Make ``scope`` the default scope (mmengine's ``init_default_scope``).

    If another scope is current, a new instance for ``scope`` is created with a warning, as
    mmengine does.

    Args:
        scope: The scope, usually a package name.
    """
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created(scope):
        DefaultScope.get_instance(scope, scope_name=scope)
        return
    if current.scope_name != scope:
        warnings.warn(
            f'The current default scope "{current.scope_name}" is not "{scope}", '
            f'`init_default_scope` will force set the current default scope to "{scope}".',
            stacklevel=2,
        )
        DefaultScope.get_instance(f"{scope}-{datetime.datetime.now()}", scope_name=scope)
