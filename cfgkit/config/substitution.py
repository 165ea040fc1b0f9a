"""In-memory text passes over a config file, and ``{{ _base_.x }}`` reference resolution.

The passes run on the file's text before it is parsed, in mmengine's order: predefined
variables (``{{ fileDirname }}``), environment variables (``{{ $VAR:default }}``), then
references to base values (``{{ _base_.a.b }}``, also spelled ``<<_base_.a.b>>``), which are
replaced by placeholders and resolved once the file has been evaluated.
"""

from __future__ import annotations

import os
import re

from cfgkit.errors import BaseReferenceError, MissingEnvVarError

# Only type checkers need typing, and importing it costs ~5 ms of `import cfgkit`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

__all__ = [
    "BaseReference",
    "EnvRead",
    "resolve_base_references",
    "substitute_base_references",
    "substitute_env_variables",
    "substitute_predefined_variables",
]

_PREDEFINED_RE = re.compile(
    r"\{\{\s*(fileDirname|fileBasenameNoExtension|fileBasename|fileExtname)\s*\}\}"
)
_ENV_RE = re.compile(r"""\{\{['"]?\s*\$(\w+)\s*:\s*(\S*?)\s*['"]?\}\}""")
_BASE_REF_RE = re.compile(
    r"\{\{\s*_base_\.([\w.]+)\s*\}\}|<<\s*_base_\.([\w.]+)\s*>>",
)
# One random token per process: a placeholder can never collide with text a user wrote.
_TOKEN = os.urandom(4).hex()


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def substitute_predefined_variables(text: str, filename: str) -> str:
    """Replace ``{{ fileDirname }}``, ``{{ fileBasename }}``, ``{{ fileBasenameNoExtension }}``
    and ``{{ fileExtname }}`` with values for ``filename`` (backslashes become ``/``).

    Args:
        text: The file's text.
        filename: The absolute path of the file.

    Returns:
        The text with every predefined variable replaced.
    """
    if "{{" not in text:
        return text
    basename = os.path.basename(filename)
    stem, extension = os.path.splitext(basename)
    values = {
        "fileDirname": os.path.dirname(filename),
        "fileBasename": basename,
        "fileBasenameNoExtension": stem,
        "fileExtname": extension,
    }
    return _PREDEFINED_RE.sub(lambda m: values[m.group(1)].replace("\\", "/"), text)


class EnvRead:
    """One ``{{ $VAR:default }}`` lookup: the variable and what ``os.environ`` held (or None)."""

    __slots__ = ("name", "value")

    def __init__(self, name: str, value: Optional[str]) -> None:
        self.name = name
        self.value = value


def substitute_env_variables(
    text: str, filename: str, environ: Mapping[str, str] = os.environ
) -> tuple[str, dict[str, str], tuple[EnvRead, ...]]:
    """Replace ``{{ $VAR:default }}`` with the variable's value, or the default when unset.

    Unlike mmengine, values with backslashes and defaults with regex characters work.

    Args:
        text: The file's text.
        filename: The file's path, named in errors.
        environ: Where variables are looked up.

    Returns:
        The new text, the variables taken from the environment (name to value), and every
        lookup made (so a cached parse can tell when the environment changed).

    Raises:
        MissingEnvVarError: A variable is unset (or empty) and has no default.
    """
    if "$" not in text or "{{" not in text:
        return text, {}, ()
    used: dict[str, str] = {}
    reads: dict[str, EnvRead] = {}

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        found = environ.get(name)
        reads[name] = EnvRead(name, found)
        value = default
        if found is not None:
            used[name] = value = found
        if not value:
            raise MissingEnvVarError(
                f"`{name}` cannot be found in `os.environ`. Please set `{name}` in "
                "environment or give a default value.",
                filename=filename,
                lineno=_line_of(text, match.start()),
                key=f"${name}",
            )
        return value

    return _ENV_RE.sub(replace, text), used, tuple(reads.values())


class BaseReference:
    """A ``{{ _base_.a.b }}`` in a file: the path it names and the line it sits on."""

    __slots__ = ("lineno", "path")

    def __init__(self, path: str, lineno: int) -> None:
        self.path = path
        self.lineno = lineno


def substitute_base_references(text: str) -> tuple[str, dict[str, BaseReference]]:
    """Replace each base reference with a placeholder to be resolved after evaluation.

    Outside a string the placeholder is a quoted string literal, so the text still parses
    (in Python, JSON and YAML alike); inside a double-quoted string on the same line it is
    the bare placeholder, so the string stays well formed. A placeholder inside a longer
    string is spliced in after evaluation (mmengine leaks it instead).

    Args:
        text: The file's text.

    Returns:
        The new text and a map from placeholder to the reference it stands for.
    """
    if "_base_." not in text:
        return text, {}
    references: dict[str, BaseReference] = {}
    placeholders: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        path = match.group(1) or match.group(2)
        placeholder = placeholders.get(path)
        if placeholder is None:
            placeholder = f"_{path}_{_TOKEN}_{len(placeholders)}"
            placeholders[path] = placeholder
            references[placeholder] = BaseReference(path, _line_of(text, match.start()))
        if _inside_double_quotes(text, match.start()):
            return placeholder
        return f'"{placeholder}"'

    return _BASE_REF_RE.sub(replace, text), references


def _inside_double_quotes(text: str, position: int) -> bool:
    """Tell whether ``position`` sits inside a ``"..."`` string opened on its own line."""
    line_start = text.rfind("\n", 0, position) + 1
    quote = ""
    escaped = False
    for char in text[line_start:position]:
        if escaped:
            escaped = False
        elif char == "\\" and quote:
            escaped = True
        elif char in "'\"":
            if not quote:
                quote = char
            elif char == quote:
                quote = ""
    return quote == '"'


def resolve_base_references(
    value: Any,
    references: Mapping[str, BaseReference],
    base: Mapping[str, Any],
    filename: str,
) -> Any:
    """Replace placeholders left by :func:`substitute_base_references` with base values.

    A string equal to a placeholder becomes the referenced value itself (any type); a
    placeholder inside a longer string is replaced by the value's ``str()``. Containers are
    copied only where something changed.

    Args:
        value: The evaluated config (or part of it).
        references: Placeholder to reference, as returned by the text pass.
        base: The merged dict of the file's bases.
        filename: The file, named in errors.

    Returns:
        ``value`` with every placeholder resolved.

    Raises:
        BaseReferenceError: A reference names a key the bases do not have.
    """
    if isinstance(value, str):
        if _TOKEN not in value:
            return value
        reference = references.get(value)
        if reference is not None:
            return _look_up(base, reference, filename)
        for placeholder, reference in references.items():
            if placeholder in value:
                text = str(_look_up(base, reference, filename))
                value = value.replace(f'"{placeholder}"', text).replace(placeholder, text)
        return value
    if isinstance(value, dict):
        changed = {}
        for key, item in dict.items(value):
            new = resolve_base_references(item, references, base, filename)
            if new is not item:
                changed[key] = new
        if not changed:
            return value
        copied = dict.copy(value)
        copied.update(changed)
        return copied
    if isinstance(value, (list, tuple)):
        items = [resolve_base_references(item, references, base, filename) for item in value]
        if all(new is old for new, old in zip(items, value)):
            return value
        return type(value)(items)
    return value


def _look_up(base: Mapping[str, Any], reference: BaseReference, filename: str) -> Any:
    node: Any = base
    for part in reference.path.split("."):
        if isinstance(node, dict) and part in node:
            node = dict.__getitem__(node, part)
        elif isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise BaseReferenceError(
                f"'{{{{ _base_.{reference.path} }}}}' refers to '{part}', which the base "
                f"configs do not define",
                filename=filename,
                lineno=reference.lineno,
                key=reference.path,
            )
    return node
