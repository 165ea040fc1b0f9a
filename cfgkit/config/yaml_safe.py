"""Read YAML safely: the safe types plus ``!!python/tuple``, and no other Python tag.

mmengine reads YAML with PyYAML's full loader, so ``!!python/object/apply:os.system [...]``
in a config runs a command. Here such a tag is an error and nothing is constructed.
"""

from __future__ import annotations

import yaml

from cfgkit.errors import ConfigDecodeError, UnsafeYamlError

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "TUPLE_TAG",
    "SafeTupleDumper",
    "SafeTupleLoader",
    "compose_yaml",
    "dump_yaml",
    "load_yaml",
]

TUPLE_TAG = "tag:yaml.org,2002:python/tuple"
_PYTHON_TAG_PREFIX = "tag:yaml.org,2002:python/"

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeTupleLoader(_BaseLoader):  # type: ignore[misc]
    """PyYAML's safe loader (the C one when available) that also builds tuples."""


def _construct_tuple(loader: Any, node: Any) -> tuple[Any, ...]:
    return tuple(loader.construct_sequence(node, deep=True))


SafeTupleLoader.add_constructor(TUPLE_TAG, _construct_tuple)


def load_yaml(text: str, filename: str) -> Any:
    """Parse YAML text with :class:`SafeTupleLoader`.

    Args:
        text: The YAML document.
        filename: The file, named in errors.

    Returns:
        The parsed document.

    Raises:
        UnsafeYamlError: The document uses a Python tag other than ``!!python/tuple``.
        ConfigDecodeError: The document is not well-formed YAML.
    """
    try:
        return yaml.load(text, Loader=SafeTupleLoader)  # noqa: S506 - the loader is safe
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        lineno = mark.line + 1 if mark is not None else None
        problem = error.problem or ""
        if _PYTHON_TAG_PREFIX in problem or "!!python/" in problem:
            raise UnsafeYamlError(
                f"Refusing to construct a Python object from YAML ({problem.strip()}); "
                "only !!python/tuple is allowed in cfgkit configs",
                filename=filename,
                lineno=lineno,
            ) from None
        raise ConfigDecodeError(
            f"Invalid YAML: {problem}", filename=filename, lineno=lineno
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigDecodeError(
            f"Invalid YAML: {problem}",
            filename=filename,
            lineno=mark.line + 1 if mark is not None else None,
            offset=mark.column + 1 if mark is not None else None,
        ) from None


_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class SafeTupleDumper(_BaseDumper):  # type: ignore[misc]
    """PyYAML's safe dumper that writes tuples as ``!!python/tuple`` (as mmengine's does)."""


def _represent_tuple(dumper: Any, data: tuple[Any, ...]) -> Any:
    return dumper.represent_sequence(TUPLE_TAG, data)


def _represent_str(dumper: Any, data: str) -> Any:
    # A string holding "{{" or "<<" is written double-quoted so that the caller can escape
    # the marker (loading reads "{{ ... }}" in the raw text as a reference).
    style = '"' if "{{" in data or "<<" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


SafeTupleDumper.add_representer(tuple, _represent_tuple)
SafeTupleDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Write ``data`` as YAML in PyYAML's default block style, keys sorted (as mmengine).

    Args:
        data: Plain dicts, lists, tuples and YAML scalars.

    Returns:
        The YAML document.
    """
    text: str = yaml.dump(data, Dumper=SafeTupleDumper)
    return text


def compose_yaml(text: str) -> Any:
    """Return PyYAML's node tree of ``text`` (with marks: lines and columns), or None."""
    return yaml.compose(text, Loader=SafeTupleLoader)
