"""Check a config before anything is built: unknown types, bad keywords, wrong value types.

Every dict with a ``type`` is looked up in the registries (without the import fallback of
``Registry.get``), and its keys are compared with the signature of what it would build.
Nothing is constructed, and nothing is imported beyond the registries' ``locations``.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any, Callable, Iterator, Optional, Sequence

from cfgkit.config import Config
from cfgkit.config.provenance import last_written
from cfgkit.errors import did_you_mean
from cfgkit.key_paths import dotted
from cfgkit.keys import DEFAULT_SCOPE_KEY, DELETE_KEY, SCOPE_KEY, TYPE_KEY
from cfgkit.records import NamedTuple
from cfgkit.registry.registry import Registry, all_registries

if typing.TYPE_CHECKING:
    from cfgkit.key_paths import KeyPath

__all__ = ["ERROR", "NOTE", "WARNING", "Problem", "check"]

ERROR = "error"
WARNING = "warning"
NOTE = "note"
# Keys of a config dict that are for the builder, not the constructor.
_BUILD_KEYS = frozenset({TYPE_KEY, SCOPE_KEY, DELETE_KEY})
_SIMPLE_TYPES = (int, float, str, bool)


class Problem(NamedTuple):
    """One mistake found in a config.

    Attributes:
        severity: ``'error'`` (the build would fail), ``'warning'`` (a value contradicts an
            annotation, or a stale copy the runner reads) or ``'note'`` (a required
            argument the config does not give, which the caller may still pass through
            ``default_args``; a stale copy in a helper key).
        key: The dotted key path of the offending key or dict.
        filename: The file that wrote it.
        lineno: The line in ``filename``.
        message: What is wrong.
        suggestion: How to fix it ("Did you mean 'ResNet'?"), or ``''``.
    """

    severity: str
    key: str
    filename: Optional[str]
    lineno: Optional[int]
    message: str
    suggestion: str = ""

    def __str__(self) -> str:
        return self.format()

    def format(self, show_path: Callable[[str], str] = str) -> str:
        """``FILE:LINE: KEY: severity: message``; without ``FILE:LINE:`` when the file is unknown.

        Args:
            show_path: How to write the filename (the command shortens it).
        """
        where = f"{show_path(self.filename)}:{self.lineno or 0}: " if self.filename else ""
        return f"{where}{self.key}: {self.severity}: {self.text}"

    @property
    def text(self) -> str:
        """The message, and the suggestion when there is one."""
        return f"{self.message}. {self.suggestion}" if self.suggestion else self.message

    def __repr__(self) -> str:
        return f"<Problem {self}>"


def check(
    cfg: Config,
    registries: Optional[Sequence[Registry]] = None,
    references: bool = True,
    imports: bool = True,
) -> list[Problem]:
    """Find every mistake in a config's buildable dicts at once, without building anything.

    Each dict with a ``type`` is looked up in ``registries`` (by default the registries of
    the config's ``default_scope`` and their ancestors, or every registry when there is none)
    and checked against the signature of the class or function it names:

    - a ``type`` registered nowhere searched is an error, with close names;
    - a key the target does not accept is an error, with close parameter names (a target
      with ``**kwargs`` accepts everything);
    - a value that plainly contradicts a simple annotation (``int``, ``float``, ``str``,
      ``bool``, ``Optional``, ``Literal``, lists, tuples and unions of these) is a warning;
    - a required parameter the dict does not give is a note;
    - a stale copy (:meth:`Config.stale_references`) is a warning under a key the runner
      reads, a note under a helper key, located where its variable was last changed.

    Args:
        cfg: A loaded config.
        registries: Where to look types up.
        references: Report stale copies too.
        imports: Import the ``<scope>.registry`` module of a scope a ``type`` names
            (``'mmdet.RetinaNet'``), as ``build`` does; False for an untrusted config
            (``cfgkit check --safe``), whose types must not choose what is imported.

    Returns:
        The problems, in the order of the config, each with its key path and file:line.

    Examples:
        >>> from cfgkit import Config
        >>> problems = check(Config(dict(model=dict(type='Nope'))), registries=[])
        >>> [p.severity for p in problems]
        ['error']
    """
    candidates = list(registries) if registries is not None else _default_registries(cfg)
    problems: list[Problem] = []
    for path, node in _typed_dicts(cfg.to_dict()):
        problems.extend(_check_dict(cfg, path, node, candidates, imports))
    if references:
        problems.extend(
            Problem(s.severity, s.key, s.filename, s.lineno, s.message, s.suggestion)
            for s in cfg.stale_references()
        )
    return problems


def _default_registries(cfg: Config) -> list[Registry]:
    everything = all_registries()
    scope = cfg.get(DEFAULT_SCOPE_KEY)
    chosen = [r for r in everything if r.scope == scope] if isinstance(scope, str) else []
    return chosen or everything


def _typed_dicts(tree: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    if isinstance(tree, dict):
        if TYPE_KEY in tree:
            yield path, tree
        for key, value in tree.items():
            yield from _typed_dicts(value, (*path, key))
    elif isinstance(tree, (list, tuple)):
        for index, value in enumerate(tree):
            yield from _typed_dicts(value, (*path, index))


def _where(cfg: Config, path: KeyPath) -> tuple[Optional[str], Optional[int]]:
    """The file and line that last wrote ``path`` (a key or a dict)."""
    return last_written(cfg.provenance(path))


def _problem(
    cfg: Config, severity: str, path: KeyPath, message: str, suggestion: str = ""
) -> Problem:
    filename, lineno = _where(cfg, path)
    return Problem(severity, dotted(path), filename, lineno, message, suggestion)


def _find(registries: Sequence[Registry], key: str, import_scopes: bool = True) -> Any:
    """What ``key`` names in the first of ``registries`` that has it, found exactly where
    ``Registry.build`` finds it (:meth:`Registry.lookup`), without the import fallback."""
    for registry in registries:
        found = registry.lookup(key, import_scopes)
        if found is not None:
            return found
    return None


def _importable_path(key: str, registries: Sequence[Registry]) -> bool:
    """Tell whether ``Registry.get`` would import ``key`` as a dotted path: not a scope of
    the registry trees, and its top-level module exists (found, not imported)."""
    top = key.partition(".")[0]
    if "." not in key or any(r.scope == top for reg in registries for r in reg.root.walk()):
        return False
    import importlib.util  # lazy: only dotted types need it

    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _visible_names(registries: Sequence[Registry]) -> list[str]:
    names: dict[str, None] = {}
    for registry in registries:
        names.update(dict.fromkeys(registry.visible_names()))
    return list(names)


def _check_dict(
    cfg: Config,
    path: KeyPath,
    node: dict[str, Any],
    registries: Sequence[Registry],
    imports: bool = True,
) -> list[Problem]:
    kind = node[TYPE_KEY]
    if isinstance(kind, str):
        target = _find(registries, kind, imports)
        if target is None and _importable_path(kind, registries):
            return [
                _problem(
                    cfg,
                    NOTE,
                    (*path, TYPE_KEY),
                    f"{kind!r} is not registered; building imports it as a path, which check "
                    "does not do",
                )
            ]
        if target is None:
            where = ", ".join(sorted({f"{r.scope}::{r.name}" for r in registries})) or "none"
            name = kind.rpartition(".")[2]
            return [
                _problem(
                    cfg,
                    ERROR,
                    (*path, TYPE_KEY),
                    f"{kind!r} is not registered in the registries searched ({where})",
                    did_you_mean(name, _visible_names(registries)),
                )
            ]
    elif callable(kind):
        target = kind
    else:
        return [_problem(cfg, ERROR, (*path, TYPE_KEY), f"type must be a name, not {kind!r}")]
    return _check_arguments(cfg, path, node, target)


def _signature(target: Any) -> Optional[inspect.Signature]:
    try:
        return inspect.signature(target)
    except (TypeError, ValueError):
        return None


def _hints(target: Any) -> dict[str, Any]:
    function = vars(target).get("__init__", target) if isinstance(target, type) else target
    try:
        return typing.get_type_hints(function)
    except Exception:  # unresolvable annotations: check no types for this target
        return {}


def _check_arguments(
    cfg: Config, path: KeyPath, node: dict[str, Any], target: Any
) -> list[Problem]:
    signature = _signature(target)
    if signature is None:
        return []
    parameters = signature.parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    accepted = [
        name
        for name, p in parameters.items()
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        and p.kind is not inspect.Parameter.POSITIONAL_ONLY
    ]
    label = getattr(target, "__name__", repr(target))
    hints = _hints(target)
    problems = []
    for key, value in node.items():
        if key in _BUILD_KEYS:
            continue
        if key not in accepted:
            if not takes_any:
                problems.append(
                    _problem(
                        cfg,
                        ERROR,
                        (*path, key),
                        f"{label} has no parameter {key!r}",
                        did_you_mean(key, accepted),
                    )
                )
            continue
        annotation = hints.get(key)
        default = parameters[key].default
        if annotation is not None and _contradicts(value, annotation, default):
            problems.append(
                _problem(
                    cfg,
                    WARNING,
                    (*path, key),
                    f"{value!r} does not match the annotation of {label}.{key}: "
                    f"{_annotation_text(annotation)}",
                )
            )
    for name, parameter in parameters.items():
        required = parameter.default is inspect.Parameter.empty and parameter.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        )
        if required and name not in node:
            problems.append(
                _problem(
                    cfg,
                    NOTE,
                    path,
                    f"{label} needs {name!r}, which the config does not give (the caller may "
                    "pass it through default_args)",
                )
            )
    return problems


def _annotation_text(annotation: Any) -> str:
    return annotation.__name__ if isinstance(annotation, type) else repr(annotation)


def _contradicts(value: Any, annotation: Any, default: Any = inspect.Parameter.empty) -> bool:
    """Tell whether ``value`` plainly contradicts a simple annotation (else: no opinion)."""
    if value is None:
        # `x: int = None` is common; only a parameter that cannot be None is contradicted.
        return default is not None and not _allows_none(annotation)
    if annotation in _SIMPLE_TYPES:
        if annotation is float:
            return not isinstance(value, (int, float))
        if annotation is bool:
            return not isinstance(value, (bool, int))
        return not isinstance(value, annotation)
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Union:
        checkable = [a for a in arguments if a is not type(None)]
        if not all(_is_simple(a) for a in checkable):
            return False
        return all(_contradicts(value, a) for a in checkable)
    if origin is typing.Literal:
        return value not in arguments
    if origin in (list, tuple) and arguments:
        if not isinstance(value, (list, tuple)):
            return True
        if origin is tuple and (len(arguments) != 2 or arguments[1] is not Ellipsis):
            if len(arguments) != len(value):
                return True
            return any(_contradicts(v, a) for v, a in zip(value, arguments) if _is_simple(a))
        element = arguments[0]
        return _is_simple(element) and any(_contradicts(v, element) for v in value)
    return False


def _is_simple(annotation: Any) -> bool:
    if annotation in _SIMPLE_TYPES:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, typing.Literal, list, tuple):
        return all(
            a is type(None) or a is Ellipsis or _is_simple(a) or origin is typing.Literal
            for a in typing.get_args(annotation)
        )
    return False


def _allows_none(annotation: Any) -> bool:
    return typing.get_origin(annotation) is typing.Union and type(None) in typing.get_args(
        annotation
    )
