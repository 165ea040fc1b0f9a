"""The mmengine drop-in: unchanged OpenMMLab code loads its configs with cfgkit.

Nothing is patched until :func:`install` is called (or ``cfgkit run``, or
``CFGKIT_MMENGINE=1`` with the ``.pth`` file ``cfgkit hook --enable`` writes). Then, when
``mmengine.config.config`` is imported (or at once, when it already was),
``mmengine.config.Config``, ``ConfigDict`` and ``DictAction`` become this module's classes:
each subclasses cfgkit's class first and mmengine's original second, so ``isinstance``
against either holds, and they pickle by this module's name. With ``registry=True``,
mmengine's ``Registry``, ``DefaultScope``, build functions, ``init_default_scope`` and root
registries become cfgkit's as ``mmengine.registry`` is imported (only before it is).

It refuses, with one warning and mmengine left as it is, when mmengine's version is outside
the tested range or its classes are not shaped as this module relies on; any error inside
the hook keeps mmengine's originals. ``docs/dropin.md`` says what each switch does.

Examples:
    >>> import cfgkit.mmengine_hook as hook
    >>> hook.install()  # doctest: +SKIP
    >>> import mmengine.config  # doctest: +SKIP
    >>> hook.installed()['config']  # doctest: +SKIP
    True
"""

from __future__ import annotations

import os
import sys
import warnings

from cfgkit.config._merge.overrides import DictAction as CfgkitDictAction
from cfgkit.config.config import Config as CfgkitConfig
from cfgkit.config.config_dict import ConfigDict as CfgkitConfigDict
from cfgkit.config.config_dict import use_tree_class
from cfgkit.errors import DropInError
from cfgkit.registry import build as cfgkit_build
from cfgkit.registry import root as cfgkit_root
from cfgkit.registry.registry import Registry as CfgkitRegistry
from cfgkit.registry.scope import DefaultScope as CfgkitDefaultScope
from cfgkit.registry.scope import init_default_scope as cfgkit_init_default_scope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import ArgumentParser
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Dict, Mapping, Optional, Sequence, Tuple, TypedDict, Union

    from typing_extensions import Unpack

    from cfgkit._contracts import KeyT, ValueT
    from cfgkit.config.config import FormatStyle, PathLike

    # (namespace, name, original, replacement)
    Swap = Tuple[Dict[str, object], str, object, object]

    class FromfileOptions(TypedDict, total=False):
        """The keywords of cfgkit's ``Config.fromfile`` that mmengine's has not."""

        follow_references: bool
        safe: bool
        safe_root: Union[PathLike, Sequence[PathLike], None]
        texts: Optional[Mapping[str, str]]
        provenance: bool


__all__ = [
    "ENV_VAR",
    "TESTED_VERSIONS",
    "install",
    "install_from_environment",
    "installed",
    "uninstall",
]

ENV_VAR = "CFGKIT_MMENGINE"
# Off the version gate, at the user's risk (docs/dropin.md).
FORCE_ENV_VAR = "CFGKIT_MMENGINE_FORCE"
# (major, minor) of the mmengine releases the hook is tested against.
TESTED_VERSIONS = ((0, 10),)
_CONFIG_MODULE = "mmengine.config.config"
_REGISTRY_PACKAGE = "mmengine.registry"
# What the hook swaps in each mmengine.registry module, as (name, cfgkit's object).
_REGISTRY_SWAPS: dict[str, tuple[tuple[str, object], ...]] = {
    "mmengine.registry.default_scope": (("DefaultScope", CfgkitDefaultScope),),
    "mmengine.registry.registry": (("Registry", CfgkitRegistry),),
    "mmengine.registry.build_functions": tuple(
        (name, getattr(cfgkit_build, name)) for name in cfgkit_build.__all__
    ),
    "mmengine.registry.root": tuple(
        (name, getattr(cfgkit_root, name)) for name in cfgkit_root.__all__
    ),
    "mmengine.registry.utils": (("init_default_scope", cfgkit_init_default_scope),),
}
_CONFIG_METHODS = ("fromfile", "fromstring", "merge_from_dict", "to_dict", "__getstate__")
# The classes the hook makes, each subclassing cfgkit's and mmengine's class of that name.
_CLASSES = ("Config", "ConfigDict", "DictAction")


class _State:
    """What was asked for and what was done (one per process)."""

    requested = False
    registry = False
    style: FormatStyle = "yapf"
    config_done = False
    registry_done = False
    late = False
    announced = False
    refused: Optional[str] = None
    version: Optional[str] = None
    # Every binding the hook changed, to undo it.
    swapped: list[Swap] = []  # noqa: RUF012 - one per process
    finder: Optional[_Finder] = None


_state = _State()


def install(registry: bool = False, style: str = "yapf") -> None:
    """Make mmengine's ``Config`` (and, with ``registry``, its registries) cfgkit's.

    Idempotent. When mmengine is not imported yet, nothing is imported now: the swap
    happens as mmengine's modules load. When it is, the config classes are swapped at once
    and every module-level name that still holds an original is rebound (a warning says
    what could not be: objects made before, references held elsewhere).

    Args:
        registry: Also swap the registries (opt-in; only before mmengine is imported).
        style: ``pretty_text`` of the configs: ``'yapf'`` (mmengine's text, byte for
            byte, the default) or ``'cfgkit'`` (cfgkit's own style).

    Raises:
        DropInError: ``registry=True`` after mmengine's registries exist, or after the hook
            was installed without it; or ``style`` is not one of the two (also a
            ``RuntimeError``).
    """
    if style not in ("yapf", "cfgkit"):
        raise DropInError(f"style must be 'yapf' or 'cfgkit', got {style!r}")
    if registry and not _state.registry and _REGISTRY_PACKAGE in sys.modules:
        raise DropInError(
            "cfgkit cannot swap mmengine's registries: mmengine.registry is already imported "
            "(install the hook with registry=True before importing mmengine, or use "
            "`cfgkit run --registry` / CFGKIT_MMENGINE=registry)"
        )
    if registry and _state.requested and not _state.registry:
        raise DropInError(
            "cfgkit cannot add the registry half to a hook already installed without it"
        )
    _state.style = True if style == "cfgkit" else "yapf"
    if _state.requested:
        return
    _state.requested = True
    _state.registry = registry
    _state.finder = _Finder()
    sys.meta_path.insert(0, _state.finder)
    module = sys.modules.get(_CONFIG_MODULE)
    if module is not None:
        _state.late = True
        _patch_config(module)


def install_from_environment() -> None:
    """Install as ``CFGKIT_MMENGINE`` says: ``1`` (the config half), ``registry`` (both);
    unset, empty or ``0``: nothing. Never raises: a problem is one warning."""
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if value in ("", "0"):
        return
    if value not in ("1", "config", "registry"):
        warnings.warn(
            f"cfgkit: {ENV_VAR}={value!r} is not 1, config or registry; mmengine is left as it is",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    try:
        install(registry=value == "registry")
    except DropInError as error:
        warnings.warn(f"cfgkit: {error}", RuntimeWarning, stacklevel=2)


def installed() -> dict[str, Union[bool, str, None]]:
    """Return what the hook did in this process.

    Returns:
        ``requested`` (``None``, ``'config'`` or ``'registry'``), ``config`` and
        ``registry`` (whether mmengine's classes are cfgkit's now), ``mmengine`` (its
        version once it was imported), ``late`` (installed after mmengine was imported),
        ``refused`` (why mmengine was left as it is, or None), ``style``.
    """
    requested = ("registry" if _state.registry else "config") if _state.requested else None
    return {
        "requested": requested,
        "config": _state.config_done,
        "registry": _state.registry_done,
        "mmengine": _state.version,
        "late": _state.late,
        "refused": _state.refused,
        "style": "cfgkit" if _state.style is True else "yapf",
    }


def uninstall() -> None:
    """Put back every original the hook replaced and stop watching imports (for tests).

    Registries created while the registry half was on (mmdet's, children of cfgkit's
    roots) stay cfgkit's: only a new process is free of them.
    """
    if _state.finder is not None and _state.finder in sys.meta_path:
        sys.meta_path.remove(_state.finder)
    swapped = _state.swapped
    _restore(swapped)
    # Modules that imported mmengine's names after the swap hold cfgkit's: give them back.
    _rebind({id(new): (new, original) for _, _, original, new in swapped}, swapped=None)
    use_tree_class(None)
    announced = _state.announced  # the log says it once per process, hook or not
    vars(_state).clear()  # back to the class's defaults
    _state.announced = announced
    _state.swapped = []  # its own list: the class's default is shared


def _restore(swapped: list[Swap]) -> None:
    for namespace, name, original, _ in reversed(swapped):
        namespace[name] = original


def _rebind(by_identity: dict[int, tuple[object, object]], swapped: Optional[list[Swap]]) -> int:
    """Rebind every module global (outside cfgkit) that is a key's object to its value;
    return how many were rebound. ``by_identity``: ``{id(old): (old, new)}``."""
    count = 0
    for module_name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict) or module_name.split(".")[0] == "cfgkit":
            continue
        for key, value in list(namespace.items()):
            pair = by_identity.get(id(value))
            if pair is not None and pair[0] is value:
                namespace[key] = pair[1]
                if swapped is not None:
                    swapped.append((namespace, key, value, pair[1]))
                count += 1
    return count


# --- the import hook -------------------------------------------------------------------


class _Finder:
    """Finds mmengine's modules as usual, and patches them right after they run."""

    def find_spec(
        self,
        fullname: str,
        path: Optional[Sequence[str]] = None,
        target: Optional[ModuleType] = None,
    ) -> Optional[ModuleSpec]:
        if fullname != _CONFIG_MODULE and not (_state.registry and fullname in _REGISTRY_SWAPS):
            return None
        from importlib.machinery import PathFinder  # lazy: only when mmengine loads

        spec = PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        # typeshed wants a LoaderProtocol; ours wraps the found loader and keeps its interface.
        spec.loader = _PatchingLoader(spec.loader)  # type: ignore[assignment]
        return spec


class _PatchingLoader:
    """mmengine's own loader, then the patch (never instead of mmengine's code)."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> Optional[ModuleType]:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        if module.__name__ == _CONFIG_MODULE:
            _patch_config(module)
        elif _state.config_done and module.__name__ in _REGISTRY_SWAPS:
            _patch_registry(module)

    def __getattr__(self, name: str) -> object:  # get_source, get_filename, ... for tracebacks
        return getattr(self.loader, name)


def _mmengine_version() -> Optional[str]:
    package = sys.modules.get("mmengine")
    folders = getattr(package, "__path__", None)
    if not folders:
        return None
    try:
        with open(os.path.join(next(iter(folders)), "version.py"), encoding="utf-8") as file:
            text = file.read()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("'\"")
    return None


def _version_problem(version: Optional[str]) -> Optional[str]:
    if os.environ.get(FORCE_ENV_VAR):
        return None
    parts = (version or "").split(".")
    try:
        major_minor = (int(parts[0]), int(parts[1]))
    except (ValueError, IndexError):
        major_minor = None
    if major_minor in TESTED_VERSIONS:
        return None
    tested = ", ".join(f"{major}.{minor}.x" for major, minor in TESTED_VERSIONS)
    return f"mmengine {version or '(unknown version)'} is outside the tested range ({tested})"


def _shape_problem(module: ModuleType) -> Optional[str]:
    """Why mmengine's config classes are not what the hook relies on, or None."""
    from argparse import Action  # lazy: mmengine imported argparse already

    config, config_dict, dict_action = (getattr(module, name, None) for name in _CLASSES)
    if not (isinstance(config, type) and isinstance(config_dict, type)):
        return "mmengine.config.config has no Config or ConfigDict class"
    if not (isinstance(dict_action, type) and issubclass(dict_action, Action)):
        return "mmengine.config.config.DictAction is not an argparse Action"
    if not issubclass(config_dict, dict):
        return "mmengine's ConfigDict is not a dict"
    missing = [name for name in _CONFIG_METHODS if not callable(getattr(config, name, None))]
    if missing:
        return f"mmengine's Config has no {', '.join(missing)}"
    code = getattr(getattr(config, "__init__", None), "__code__", None)
    names = _strings(code.co_consts) if code is not None else set()
    # mmengine's Config keeps its state under the names cfgkit's Config keeps it too.
    unset = [name for name in CfgkitConfig._STATE if name not in names]
    if unset:
        return f"mmengine's Config keeps no {', '.join(unset)}"
    return None


def _strings(constants: tuple[object, ...]) -> set[str]:
    found: set[str] = set()
    for constant in constants:
        if isinstance(constant, str):
            found.add(constant)
        elif isinstance(constant, tuple):
            found |= _strings(constant)
    return found


def _refuse(problem: str) -> None:
    _state.refused = problem
    warnings.warn(
        f"cfgkit: {problem}; mmengine is left as it is (set {FORCE_ENV_VAR}=1 to try anyway)",
        RuntimeWarning,
        stacklevel=3,
    )


def _patch_config(module: ModuleType) -> None:
    """Swap the config classes in ``module`` (and, late, wherever they were bound)."""
    if _state.config_done or _state.refused:
        return
    _state.version = _mmengine_version()
    problem = _version_problem(_state.version) or _shape_problem(module)
    if problem:
        _refuse(problem)
        return
    swapped: list[Swap] = []
    try:
        originals = {name: vars(module)[name] for name in _CLASSES}
        classes = _classes(*originals.values())
        _swap(vars(module), classes, swapped)
        if _state.late:
            _rebind_everywhere(originals, classes, swapped)
        use_tree_class(classes["ConfigDict"])
    except Exception as error:  # the hook must never break mmengine: keep its originals
        _restore(swapped)
        use_tree_class(None)
        _refuse(f"the hook failed ({type(error).__name__}: {error})")
        return
    _state.swapped.extend(swapped)
    _state.config_done = True


def _swap(
    namespace: dict[str, object], replacements: Mapping[str, object], swapped: list[Swap]
) -> None:
    for name, replacement in replacements.items():
        if name in namespace and namespace[name] is not replacement:
            swapped.append((namespace, name, namespace[name], replacement))
            namespace[name] = replacement


def _rebind_everywhere(
    originals: dict[str, object], classes: dict[str, type], swapped: list[Swap]
) -> None:
    """Late install: every module global that names an original now names cfgkit's class."""
    count = _rebind({id(o): (o, classes[name]) for name, o in originals.items()}, swapped)
    warnings.warn(
        f"cfgkit: mmengine was imported before the hook; {count} module names were rebound "
        "to cfgkit's classes, but configs made before the hook, and references to mmengine's "
        "classes held outside module globals (class attributes, containers, default "
        "arguments), stay mmengine's",
        RuntimeWarning,
        stacklevel=4,
    )


def _patch_registry(module: ModuleType) -> None:
    swapped: list[Swap] = []
    try:
        _swap(vars(module), dict(_REGISTRY_SWAPS[module.__name__]), swapped)
    except Exception as error:  # the hook must never break mmengine: keep its originals
        _restore(swapped)
        _refuse(f"the registry hook failed ({type(error).__name__}: {error})")
        return
    _state.swapped.extend(swapped)
    if module.__name__ == "mmengine.registry.utils":  # the last of mmengine.registry to load
        _state.registry_done = True


# --- the classes ------------------------------------------------------------------------


def _style(format_python_code: FormatStyle) -> FormatStyle:
    """mmengine's ``format_python_code=True`` means yapf; the hook's style decides."""
    return _state.style if format_python_code is True else format_python_code


def _announce(cfg: CfgkitConfig) -> None:
    """Say once per process, in mmengine's log, that cfgkit loaded the config."""
    if _state.announced:
        return
    _state.announced = True
    import logging  # lazy: mmengine imported it already

    from mmengine.logging import print_log

    from cfgkit import __version__

    mode = "config and registry" if _state.registry_done else "config"
    print_log(
        f"cfgkit {__version__} loaded the config {cfg.filename} "
        f"(mmengine {_state.version} drop-in: {mode})",
        logger="current",
        level=logging.INFO,
    )


def _adopted(cfg: CfgkitConfig, cls: type[CfgkitConfig]) -> CfgkitConfig:
    object.__setattr__(cfg, "__class__", cls)  # Config.__setattr__ would set a key
    return cfg


def _classes(config: type, config_dict: type, dict_action: type) -> dict[str, type]:
    """The three classes, made once per process against mmengine's originals."""
    made = globals().get("Config")
    if made is not None:
        if made.__bases__[1] is not config:
            raise DropInError("mmengine's Config changed since the hook's classes were made")
        return {name: globals()[name] for name in _CLASSES}

    # mmengine's classes arrive as `type` values: mypy cannot check the second base.
    class ConfigDict(CfgkitConfigDict, config_dict):  # type: ignore[misc]
        """cfgkit's ``ConfigDict`` that is also mmengine's (the drop-in's tree class)."""

    # As ConfigDict: mmengine's Config is a base only known at run time.
    class Config(CfgkitConfig, config):  # type: ignore[misc]
        """cfgkit's ``Config`` that is also mmengine's; its text is mmengine's by default."""

        def __init__(
            self,
            cfg_dict: Optional[dict[KeyT, ValueT]] = None,
            cfg_text: Optional[str] = None,
            filename: Optional[PathLike] = None,
            env_variables: Optional[dict[str, str]] = None,
            format_python_code: FormatStyle = True,
        ) -> None:
            super().__init__(
                cfg_dict, cfg_text, filename, env_variables, _style(format_python_code)
            )

        @staticmethod
        # cfgkit's keyword-only options as **options (mmengine's signature first): an override.
        def fromfile(  # type: ignore[override]
            filename: PathLike,
            use_predefined_variables: bool = True,
            import_custom_modules: bool = True,
            use_environment_variables: bool = True,
            lazy_import: Optional[bool] = None,
            format_python_code: FormatStyle = True,
            **options: Unpack[FromfileOptions],
        ) -> CfgkitConfig:
            cfg = CfgkitConfig.fromfile(
                filename,
                use_predefined_variables,
                import_custom_modules,
                use_environment_variables,
                lazy_import,
                _style(format_python_code),
                **options,
            )
            _announce(cfg)
            return _adopted(cfg, Config)

        @staticmethod
        def fromstring(cfg_str: str, file_format: str) -> CfgkitConfig:
            cfg = CfgkitConfig.fromstring(cfg_str, file_format)
            object.__setattr__(cfg, "_format_python_code", _style(True))
            return _adopted(cfg, Config)

        @staticmethod
        def auto_argparser(
            description: Optional[str] = None,
        ) -> tuple[ArgumentParser, CfgkitConfig]:
            parser, cfg = CfgkitConfig.auto_argparser(description)
            object.__setattr__(cfg, "_format_python_code", _style(True))
            return parser, _adopted(cfg, Config)

    # As ConfigDict: mmengine's DictAction is a base only known at run time.
    class DictAction(CfgkitDictAction, dict_action):  # type: ignore[misc]
        """cfgkit's ``DictAction`` (list selectors in ``--cfg-options``) that is also mmengine's."""

    classes: dict[str, type] = {}
    for cls in (Config, ConfigDict, DictAction):
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
        globals()[cls.__name__] = classes[cls.__name__] = cls
    return classes


def __getattr__(name: str) -> type:
    """``Config``, ``ConfigDict``, ``DictAction``: made on first use (unpickling in a process
    without the hook included), against mmengine's originals."""
    if name not in _CLASSES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import mmengine.config.config as module  # lazy: only a process that uses mmengine

    # Importing mmengine with the hook on made them (and put cfgkit's into mmengine).
    made: type = globals().get(name) or _classes(*(vars(module)[key] for key in _CLASSES))[name]
    return made
