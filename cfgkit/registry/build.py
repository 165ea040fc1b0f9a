"""Build objects from config dicts: ``build_from_cfg`` and mmengine's special build functions.

The config side is not imported here: a config is any mapping (a ``dict``, a ``ConfigDict``,
or a ``Config``, which has ``keys``/``items``/``copy`` without being a dict), and a registry
is anything with ``get`` and ``switch_scope_and_registry``.
"""

from __future__ import annotations

import contextlib
import sys

from cfgkit._escaping import clipped
from cfgkit._keys import SCOPE_KEY, TYPE_KEY
from cfgkit._lazy_modules import lazy_pattern
from cfgkit._locations import location_of
from cfgkit.errors import (
    MissingTypeError,
    NotRegisteredError,
    RegistryArgumentError,
    RegistryTypeError,
    TorchRequiredError,
    did_you_mean,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Protocol, Union

    from typing_extensions import TypeGuard

    from cfgkit._contracts import RegistryLike, TypedMapping

    class _Manager(Protocol):  # a ManagerMixin class: built through get_instance
        def get_instance(self, name: str, **kwargs: object) -> object: ...

    class _Lazy(Protocol):  # a class a pure-Python config imported lazily (config.lazy)
        def build(self) -> object: ...

    class _RunnerConfig(TypedMapping, Protocol):
        def copy(self) -> Any: ...  # a dict, ConfigDict or Config: what the runner takes


__all__ = [
    "build_from_cfg",
    "build_model_from_cfg",
    "build_optimizer_from_cfg",
    "build_runner_from_cfg",
    "build_scheduler_from_cfg",
]

_UNEXPECTED_KEYWORD = lazy_pattern(r"unexpected keyword argument '(\w+)'")


def _is_config(value: object) -> bool:
    return isinstance(value, dict) or (hasattr(value, "keys") and hasattr(value, "to_dict"))


def _is_lazy(value: object) -> TypeGuard[_Lazy]:
    return bool(getattr(type(value), "__cfgkit_lazy__", False))


def _where(cfg: object) -> str:
    location = location_of(cfg)
    return f", config key {location}" if location is not None else ""


def _add_note(error: BaseException, note: str) -> None:
    """``error.add_note(note)``; before Python 3.11, ``__notes__`` plus the message itself."""
    if sys.version_info < (3, 11):
        notes = getattr(error, "__notes__", None)
        if not isinstance(notes, list):
            notes = []
            with contextlib.suppress(AttributeError):
                error.__notes__ = notes
        notes.append(note)
        # Older tracebacks do not print notes; a one-string message can carry it instead.
        if len(error.args) == 1 and isinstance(error.args[0], str):
            error.args = (f"{error.args[0]}\n{note}",)
    else:
        error.add_note(note)


def _parameter_hint(target: Callable[..., object], error: BaseException) -> str:
    match = _UNEXPECTED_KEYWORD.search(str(error))
    if match is None:
        return ""
    import inspect  # lazy: ~5 ms, and only this error message needs it

    try:
        parameters = list(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        return ""
    hint = did_you_mean(match.group(1), parameters)
    return f" {hint[:-1]} for {match.group(1)!r}?" if hint else ""


def merged_arguments(cfg: TypedMapping, default_args: Optional[TypedMapping]) -> dict[str, Any]:
    """A new dict of ``cfg``'s items, with ``default_args`` filling the keys it lacks (the
    user's arguments, ``_scope_`` and ``type`` among them)."""
    args: dict[str, Any] = dict(cfg.items())
    if default_args is not None:
        for key, value in default_args.items():
            args.setdefault(key, value)
    return args


def note_build_failure(
    error: BaseException,
    target: Callable[..., object],
    registry_label: str,
    cfg: object,
    args: dict[str, object],
) -> None:
    """Add a note to ``error`` saying what was being built, where from, and with what.

    Args:
        error: What the constructor raised.
        target: The class or function called.
        registry_label: ``scope::name`` of the registry, or its name.
        cfg: The config dict built (for its key path).
        args: The arguments given (for the message and a did-you-mean).
    """
    name = getattr(target, "__name__", repr(target))
    arguments = clipped(", ".join(f"{key}={value!r}" for key, value in args.items()), 300)
    _add_note(
        error,
        f"while building {name} from the {registry_label} registry{_where(cfg)}, with "
        f"arguments: {arguments}.{_parameter_hint(target, error)}",
    )


def _check_arguments(
    cfg: TypedMapping,
    registry: object,
    default_args: Optional[TypedMapping],
    needs_type: bool = True,
) -> None:
    if not _is_config(cfg):
        raise RegistryTypeError(f"cfg should be a dict, ConfigDict or Config, but got {type(cfg)}")
    no_type = TYPE_KEY not in cfg and (default_args is None or TYPE_KEY not in default_args)
    if needs_type and no_type:
        raise MissingTypeError(
            '`cfg` or `default_args` must contain the key "type", but got '
            f"{cfg}\n{default_args}{_where(cfg).replace(',', ';', 1)}"
        )
    if not (hasattr(registry, "get") and hasattr(registry, "switch_scope_and_registry")):
        raise RegistryTypeError(
            f"registry must be a mmengine.Registry object, but got {type(registry)}"
        )
    if default_args is not None and not _is_config(default_args):
        raise RegistryTypeError(
            f"default_args should be a dict, ConfigDict, Config or None, but got "
            f"{type(default_args)}"
        )


def resolve_type(obj_type: object, registry: RegistryLike, cfg: object) -> Any:
    """Return the class or function ``obj_type`` names (or is): the user's, typed as theirs.

    Raises:
        NotRegisteredError: A name the registry does not have; with close names and the
            key path of ``cfg``.
        RegistryTypeError: ``obj_type`` is neither a string nor callable.
    """
    if _is_lazy(obj_type):
        obj_type = obj_type.build()  # a class a pure-Python config imported lazily
    if isinstance(obj_type, str):
        found = registry.get(obj_type)
        if found is None:
            name = registry.split_scope_key(obj_type)[1]
            hint = did_you_mean(name, registry.visible_names())
            hint = f" {hint}" if hint else ""
            raise NotRegisteredError(
                f"{obj_type} is not in the {registry.scope}::{registry.name} registry.{hint} "
                f"Please check whether the value of `{obj_type}` is correct or it was "
                f"registered as expected (is the module that registers it imported, e.g. "
                f"through custom_imports?){_where(cfg).replace(',', ';', 1)}"
                f"{_diagnosis(obj_type, registry, cfg)}"
            )
        return found
    if callable(obj_type):
        return obj_type
    raise RegistryTypeError(f"type must be a str or valid type, but got {type(obj_type)}")


def _diagnosis(name: str, registry: RegistryLike, cfg: object) -> str:
    """Why ``name`` was not found, as lines after the message's first (or ``''``)."""
    try:
        # lazy: the doctor reads sources (ast, the static index); only a failed lookup needs
        # it, and it imports the registry module, which imports this one.
        from cfgkit.registry._doctor import explain_missing

        return explain_missing(name, registry, cfg)
    except Exception:  # a diagnosis must never hide the error it explains
        return ""


def _is_manager(target: object) -> TypeGuard[_Manager]:
    # mmengine builds ManagerMixin classes through get_instance; recognise them by shape.
    return (
        isinstance(target, type)
        and hasattr(target, "_instance_dict")
        and hasattr(target, "get_instance")
    )


def build_from_cfg(
    cfg: TypedMapping, registry: RegistryLike, default_args: Optional[TypedMapping] = None
) -> Any:
    """Build an object from a config dict: ``registry.get(cfg['type'])(**rest)``.

    ``default_args`` fill keys the config does not give; ``_scope_`` picks the scope (and so
    the registry) to build in. ``type`` may also be a class or a function. Neither ``cfg``
    nor ``default_args`` is modified.

    Args:
        cfg: A dict, ``ConfigDict`` or ``Config`` with a ``type``.
        registry: Where to look the type up.
        default_args: Arguments used when ``cfg`` does not give them.

    Returns:
        The built object (or what a registered function returns).

    Raises:
        RegistryTypeError: ``cfg``, ``registry``, ``default_args`` or ``type`` has a wrong type.
        MissingTypeError: Neither ``cfg`` nor ``default_args`` gives a ``type``.
        NotRegisteredError: ``type`` is not registered; the message suggests close names and
            names the dict's key path in its config.
        Exception: Whatever the constructor raises, with a note naming the registry, the
            type, the key path and the arguments.
    """
    _check_arguments(cfg, registry, default_args)
    args = merged_arguments(cfg, default_args)
    scope = args.pop(SCOPE_KEY, None)
    with registry.switch_scope_and_registry(scope) as switched:
        obj_type = args.pop(TYPE_KEY)
        target = resolve_type(obj_type, switched, cfg)
        try:
            if _is_manager(target):
                return target.get_instance(**args)
            return target(**args)
        except Exception as error:
            note_build_failure(error, target, f"{switched.scope}::{switched.name}", cfg, args)
            raise


def build_model_from_cfg(
    cfg: Union[TypedMapping, list[TypedMapping]],
    registry: RegistryLike,
    default_args: Optional[TypedMapping] = None,
) -> Any:
    """Build a model; a list of configs becomes a ``torch.nn.Sequential`` of their models.

    Raises:
        TorchRequiredError: ``cfg`` is a list and PyTorch is not installed.
    """
    if isinstance(cfg, list):
        try:
            import torch  # heavy and optional: only a list of models needs it
        except ImportError as error:
            raise TorchRequiredError(
                "Building a list of model configs makes a torch.nn.Sequential, which needs "
                "PyTorch: pip install torch"
            ) from error
        return torch.nn.Sequential(*(build_from_cfg(c, registry, default_args) for c in cfg))
    return build_from_cfg(cfg, registry, default_args)


def build_runner_from_cfg(cfg: _RunnerConfig, registry: RegistryLike) -> Any:
    """Build a runner: ``registry.get(cfg.get('runner_type', 'Runner')).from_cfg(cfg)``.

    Raises:
        RegistryTypeError: ``cfg`` or ``registry`` has a wrong type, or ``runner_type``.
        NotRegisteredError: The runner type is not registered.
    """
    _check_arguments(cfg, registry, None, needs_type=False)  # a runner's type has a default
    args = cfg.copy()
    scope = args.pop(SCOPE_KEY, None)
    with registry.switch_scope_and_registry(scope) as switched:
        runner_type = args.get("runner_type", "Runner")
        if not isinstance(runner_type, (str, type)):
            raise RegistryTypeError(
                f"type must be a str or valid type, but got {type(runner_type)}"
            )
        runner_cls = resolve_type(runner_type, switched, cfg)
        return runner_cls.from_cfg(args)


def build_scheduler_from_cfg(
    cfg: TypedMapping, registry: RegistryLike, default_args: Optional[TypedMapping] = None
) -> Any:
    """Build a parameter scheduler, converting an epoch-based one to iterations on request.

    With ``convert_to_iter_based=True`` the class's ``build_iter_from_epoch`` is called
    (``epoch_length`` required); otherwise ``epoch_length`` is dropped and the scheduler is
    built as usual.

    Raises:
        RegistryArgumentError: ``convert_to_iter_based`` without ``epoch_length`` or for a
            scheduler that is not epoch based.
    """
    args = merged_arguments(cfg, default_args)
    scope = args.pop(SCOPE_KEY, None)
    with registry.switch_scope_and_registry(scope) as switched:
        if args.pop("convert_to_iter_based", False):
            if "epoch_length" not in args or not args.get("by_epoch", True):
                raise RegistryArgumentError(
                    "Only epoch-based parameter scheduler can be converted to iter-based, "
                    "and `epoch_length` should be set"
                )
            scheduler_cls = resolve_type(args.pop(TYPE_KEY), switched, cfg)
            return scheduler_cls.build_iter_from_epoch(**args)
        args.pop("epoch_length", None)
        return build_from_cfg(args, switched)


def build_optimizer_from_cfg(
    cfg: TypedMapping, registry: RegistryLike, default_args: Optional[TypedMapping] = None
) -> Any:
    """Build an optimizer (mmengine's ``OPTIMIZERS`` build function): as ``build_from_cfg``."""
    return build_from_cfg(cfg, registry, default_args)
