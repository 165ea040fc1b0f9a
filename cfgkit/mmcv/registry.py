"""mmcv 1.7's ``Registry`` and ``build_from_cfg``.

As in mmcv: a child registry does not search its parent, dotted keys are not imported,
``_scope_`` is an ordinary argument, ``@REGISTRY.register_module`` without parentheses (the
old API) still works with a ``DeprecationWarning``, and only classes and functions register.
"""

from __future__ import annotations

import sys
import types
import warnings

from cfgkit._keys import TYPE_KEY
from cfgkit.errors import MissingTypeError, RegistryTypeError
from cfgkit.registry import build as _build
from cfgkit.registry.registry import Registry as BaseRegistry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Union

    from cfgkit._contracts import TypedMapping
    from cfgkit.registry.registry import Names, Registrable

__all__ = ["Registry", "build_from_cfg"]


def build_from_cfg(
    cfg: TypedMapping, registry: Registry, default_args: Optional[TypedMapping] = None
) -> Any:
    """Build an object from a config dict, as mmcv 1.7 does.

    Raises:
        RegistryTypeError: ``cfg`` is not a dict, ``registry`` not an mmcv-style Registry,
            ``default_args`` not a dict, or ``type`` not a string, class or function.
        MissingTypeError: No ``type`` in ``cfg`` nor ``default_args``.
        NotRegisteredError: ``type`` is not registered (with close names).
        Exception: Whatever the constructor raises, with a note as in cfgkit.
    """
    if not isinstance(cfg, dict):
        raise RegistryTypeError(f"cfg must be a dict, but got {type(cfg)}")
    if TYPE_KEY not in cfg and (default_args is None or TYPE_KEY not in default_args):
        raise MissingTypeError(
            f'`cfg` or `default_args` must contain the key "type", but got {cfg}\n{default_args}'
        )
    if not isinstance(registry, Registry):
        raise RegistryTypeError(
            f"registry must be an mmcv.Registry object, but got {type(registry)}"
        )
    if not (isinstance(default_args, dict) or default_args is None):
        raise RegistryTypeError(
            f"default_args must be a dict or None, but got {type(default_args)}"
        )
    args = _build.merged_arguments(cfg, default_args)
    obj_type = args.pop(TYPE_KEY)
    if not isinstance(obj_type, (str, type, types.FunctionType)):
        raise RegistryTypeError(f"type must be a str or valid type, but got {type(obj_type)}")
    target = _build.resolve_type(obj_type, registry, cfg)
    try:
        return target(**args)
    except Exception as error:
        _build.note_build_failure(error, target, registry.name, cfg, args)
        raise


class Registry(BaseRegistry):
    """mmcv 1.7's ``Registry(name, build_func=None, parent=None, scope=None)``."""

    def __init__(
        self,
        name: str,
        build_func: Optional[Callable[..., object]] = None,
        parent: Optional[Registry] = None,
        scope: Optional[str] = None,
    ) -> None:
        if scope is None:
            module_name = sys._getframe(1).f_globals.get("__name__")
            scope = module_name.split(".")[0] if isinstance(module_name, str) else "mmcv"
        if build_func is None and parent is None:
            build_func = build_from_cfg
        super().__init__(name, build_func=build_func, parent=parent, scope=scope)

    def get(self, key: str) -> Any:
        """Return what ``key`` names in this registry (or, with a scope prefix, in the
        registry of that scope), or None. Parents are not searched and nothing is imported.
        """
        return self.lookup(key)

    def _find_unscoped(self, name: str) -> Optional[Registrable]:
        return self.module_dict.get(name)  # mmcv 1.7 does not search the parents

    def _import_scope(self, scope: str) -> None:
        pass  # mmcv 1.7 imports nothing

    def visible_names(self) -> list[str]:
        """The names :meth:`get` finds without a scope: this registry's own."""
        return list(self.module_dict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name}, items={self.module_dict})"

    def build(self, *args: object, **kwargs: object) -> Any:
        """Call ``build_func`` with everything given, and ``registry=self``."""
        return self.build_func(*args, **kwargs, registry=self)

    def _register_module(
        self, module: object, module_name: Names = None, force: bool = False
    ) -> None:
        if not (isinstance(module, (type, types.FunctionType))):
            raise RegistryTypeError(f"module must be a class or a function, but got {type(module)}")
        super()._register_module(module, module_name, force)

    def deprecated_register_module(self, cls: object = None, force: bool = False) -> Any:
        """mmcv's old registration API: ``register_module(cls)``, with a DeprecationWarning.

        Returns:
            ``cls``, or a decorator that registers its argument when ``cls`` is None.
        """
        warnings.warn(
            "The old API of register_module(module, force=False) is deprecated and will be "
            "removed, please use the new API register_module(name=None, force=False, "
            "module=None) instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        if cls is None:
            return lambda obj: self.deprecated_register_module(obj, force=force)
        self._register_module(cls, force=force)
        return cls

    def register_module(
        self,
        name: Union[Names, type, types.FunctionType] = None,
        force: bool = False,
        module: object = None,
    ) -> Any:
        """Register a class or function; ``register_module(cls)`` and the decorator without
        parentheses still work, with a ``DeprecationWarning``. Returns what the user gave (or
        a decorator returning it)."""
        if isinstance(name, (type, types.FunctionType)):
            return self.deprecated_register_module(name, force=force)
        return super().register_module(name, force, module)
