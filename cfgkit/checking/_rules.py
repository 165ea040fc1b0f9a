"""The rules ``cfgkit check`` applies to one typed dict: its type is found, its keys are taken,
its values do not contradict simple annotations, its required arguments are given."""

from __future__ import annotations

import inspect
import typing
from typing import Sequence

from cfgkit._keys import DELETE_KEY, SCOPE_KEY, TYPE_KEY
from cfgkit._openmmlab import OPS_NAMES, builder_arguments, builder_keys
from cfgkit.checking._catalogs import Catalog, Signature, StaticCatalog, runtime_signature
from cfgkit.checking._problems import ERROR, NOTE, WARNING, Problem, problem
from cfgkit.config.lazy import LAZY_TYPES
from cfgkit.errors import did_you_mean

if typing.TYPE_CHECKING:
    from cfgkit._contracts import KeyPath
    from cfgkit.config import Config

__all__ = ["check_dict"]

# Keys of a config dict that are for the builder, not the constructor.
_BUILD_KEYS = frozenset({TYPE_KEY, SCOPE_KEY, DELETE_KEY})
_SIMPLE_TYPES = (int, float, str, bool)


def check_dict(
    cfg: Config,
    path: KeyPath,
    node: dict[str, object],
    catalogs: Sequence[Catalog],
    popped: frozenset[str] = frozenset(),
    picked: bool = False,
) -> list[Problem]:
    kind = node[TYPE_KEY]
    if isinstance(kind, str):
        # The first catalog that finds it answers (the imported registries before the index).
        signatures = next((s for c in catalogs if (s := c.find(kind)) is not None), None)
        if signatures is None:
            if kind in OPS_NAMES:
                return []
            unknown = catalogs[-1].unknown(cfg, path, kind)
            if unknown is not None and unknown.severity == ERROR and _lower_case(kind):
                unknown = unknown._replace(
                    severity=NOTE,
                    message=f"{unknown.message} (a lower-case type is often a name the class "
                    "taking this dict picks itself, such as FPG's 'conv', not a registry name)",
                )
            return [unknown] if unknown is not None else []
        misplaced = catalogs[-1].misplaced(cfg, path, kind)
        if misplaced is not None:
            return [misplaced]
    elif isinstance(kind, LAZY_TYPES) and any(isinstance(c, StaticCatalog) for c in catalogs):
        # A pure-Python config's imported class, read from source rather than imported.
        static = next(c for c in catalogs if isinstance(c, StaticCatalog))
        signatures = static.find(f"{kind.module}.{kind}")
        if signatures is None:
            return []  # not in the scanned sources: nothing to say
    elif callable(kind):
        signatures = [runtime_signature(kind)]
    else:
        return [problem(cfg, ERROR, (*path, TYPE_KEY), f"type must be a name, not {kind!r}")]
    if picked or any(s is None for s in signatures):
        # One of the candidates takes what nobody can tell, or the class taking this dict
        # picks what it builds itself (the registered class of that name may not be it).
        return []
    return _check_arguments(cfg, path, node, signatures, popped)  # type: ignore[arg-type]  # no None


def _lower_case(kind: str) -> bool:
    """``'conv'``, ``'mmdet.conv'``: a name (after any scope) that starts in lower case."""
    return kind.rpartition(".")[2][:1].islower()


def _check_arguments(
    cfg: Config,
    path: KeyPath,
    node: dict[str, object],
    signatures: Sequence[Signature],
    popped: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Keys no candidate takes are errors; with one candidate, values that contradict its
    annotations are warnings; parameters every candidate requires and the dict does not
    give are notes."""
    closed = not any(s.takes_any for s in signatures)  # no candidate takes **kwargs
    accepted = dict.fromkeys(name for s in signatures for name in s.accepted)
    label = signatures[0].label
    popped = popped | builder_keys(path)
    problems = []
    for key, value in node.items():
        if key in _BUILD_KEYS or key in popped:
            continue
        if key not in accepted:
            if closed:
                problems.append(
                    problem(
                        cfg,
                        ERROR,
                        (*path, key),
                        f"{label} has no parameter {key!r}",
                        did_you_mean(key, list(accepted)),
                    )
                )
            continue
        if len(signatures) != 1:
            continue
        annotation = signatures[0].hints.get(key)
        default = signatures[0].defaults.get(key, inspect.Parameter.empty)
        if annotation is not None and _contradicts(value, annotation, default):
            problems.append(
                problem(
                    cfg,
                    WARNING,
                    (*path, key),
                    f"{value!r} does not match the annotation of {label}.{key}: "
                    f"{_annotation_text(annotation)}",
                )
            )
    required = [n for n in signatures[0].required if all(n in s.required for s in signatures)]
    given = builder_arguments(path)
    for name in required:
        if name not in node and name not in given:
            problems.append(
                problem(
                    cfg,
                    NOTE,
                    path,
                    f"{label} needs {name!r}, which the config does not give (the caller may "
                    "pass it through default_args)",
                )
            )
    return problems


def _annotation_text(annotation: object) -> str:
    return annotation.__name__ if isinstance(annotation, type) else repr(annotation)


def _contradicts(
    value: object, annotation: object, default: object = inspect.Parameter.empty
) -> bool:
    """Tell whether ``value`` plainly contradicts a simple annotation (else: no opinion)."""
    if value is None:
        # `x: int = None` is common; only a parameter that cannot be None is contradicted.
        union = typing.get_origin(annotation) is typing.Union
        return default is not None and not (union and type(None) in typing.get_args(annotation))
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


def _is_simple(annotation: object) -> bool:
    if annotation in _SIMPLE_TYPES:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, typing.Literal, list, tuple):
        return all(
            a is type(None) or a is Ellipsis or _is_simple(a) or origin is typing.Literal
            for a in typing.get_args(annotation)
        )
    return False
