"""In-memory text passes over a config file, and ``{{ _base_.x }}`` reference resolution.

The passes run on the file's text before it is parsed, in mmengine's order: predefined
variables (``{{ fileDirname }}``), environment variables (``{{ $VAR:default }}``), then
references to base values (``{{ _base_.a.b }}``, also spelled ``<<_base_.a.b>>``), which are
replaced by placeholders and resolved once the file has been evaluated.
"""

from __future__ import annotations

import os

from cfgkit._lazy_modules import lazy_module, lazy_pattern
from cfgkit._records import NamedTuple
from cfgkit.errors import BaseReferenceError, ConfigTypeError, MissingEnvVarError, ValueSizeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from typing import Any, Mapping, Optional
else:
    re = lazy_module("re")  # lazy: see cfgkit._lazy_modules

__all__ = [
    "BaseReference",
    "EnvRead",
    "resolve_base_references",
    "substitute_base_references",
    "substitute_env_variables",
    "substitute_predefined_variables",
]

_PREDEFINED_RE = lazy_pattern(
    r"\{\{\s*(fileDirname|fileBasenameNoExtension|fileBasename|fileExtname)\s*\}\}"
)
# The default is mmengine's `\S*?`, except that it never runs into the next `{{`: that keeps
# a text of many unclosed `{{$A:` linear to scan (mmengine's pattern is quadratic there).
_ENV_RE = lazy_pattern(r"""\{\{['"]?\s*\$(\w+)\s*:\s*((?:(?!\{\{)\S)*?)\s*['"]?\}\}""")
_BASE_REF_RE = lazy_pattern(
    r"\{\{\s*_base_\.([\w.]+)\s*\}\}|<<\s*_base_\.([\w.]+)\s*>>",
)
# One random token per process: a placeholder can never collide with text a user wrote.
_TOKEN = os.urandom(4).hex()


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


class EnvRead(NamedTuple):
    """One ``{{ $VAR:default }}`` lookup: the variable and what ``os.environ`` held (or None)."""

    name: str
    value: Optional[str]


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
                lineno=text.count("\n", 0, match.start()) + 1,
                key=f"${name}",
            )
        return value

    return _ENV_RE.sub(replace, text), used, tuple(reads.values())


class BaseReference(NamedTuple):
    """A ``{{ _base_.a.b }}`` in a file: the path it names and the line it sits on."""

    path: str
    lineno: int


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
    quotes = _QuoteScanner(text)

    def replace(match: re.Match[str]) -> str:
        path = match.group(1) or match.group(2)
        placeholder = placeholders.get(path)
        if placeholder is None:
            placeholder = f"_{path}_{_TOKEN}_{len(placeholders)}"
            placeholders[path] = placeholder
            references[placeholder] = BaseReference(path, quotes.line_of(match.start()))
        if quotes.inside_double_quotes(match.start()):
            return placeholder
        return f'"{placeholder}"'

    return _BASE_REF_RE.sub(replace, text), references


class _QuoteScanner:
    """Tell, for increasing positions, whether each sits inside a ``"..."`` string opened on
    its own line; every character is scanned once, so many references stay linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.quote = ""
        self.escaped = False
        self.counted = 0  # the newlines before self.counted_to
        self.counted_to = 0

    def line_of(self, position: int) -> int:
        """The 1-based line of ``position`` (positions must not decrease)."""
        self.counted += self.text.count("\n", self.counted_to, position)
        self.counted_to = position
        return self.counted + 1

    def inside_double_quotes(self, position: int) -> bool:
        text = self.text
        line_start = text.rfind("\n", self.position, position) + 1
        if line_start:  # a new line: quotes do not carry over
            self.position, self.quote, self.escaped = line_start, "", False
        quote, escaped = self.quote, self.escaped
        for char in text[self.position : position]:
            if escaped:
                escaped = False
            elif char == "\\" and quote:
                escaped = True
            elif char in "'\"":
                if not quote:
                    quote = char
                elif char == quote:
                    quote = ""
        self.position, self.quote, self.escaped = position, quote, escaped
        return quote == '"'


def resolve_base_references(
    value: object,
    references: Mapping[str, BaseReference],
    base: Mapping[str, object],
    filename: str,
) -> Any:  # the tree the caller gave, resolved in place of it (a dict stays a dict)
    """Replace placeholders left by :func:`substitute_base_references` with base values.

    A string equal to a placeholder becomes the referenced value itself (any type); a
    placeholder inside a longer string is replaced by the value's ``str()``; a dict key is
    resolved the same way (and must then be hashable). Containers are copied only where
    something changed; every string is scanned once.

    Args:
        value: The evaluated config (or part of it).
        references: Placeholder to reference, as returned by the text pass.
        base: The merged dict of the file's bases.
        filename: The file, named in errors.

    Returns:
        ``value`` with every placeholder resolved.

    Raises:
        BaseReferenceError: A reference names a key the bases do not have.
        ConfigTypeError: A dict key refers to a value that cannot be a key.
        ValueSizeError: The references make the value stand for more than
            :data:`~cfgkit.config._load.value_size.MAX_SIZE` (a big base value referred to in many
            places): every later step (conversion, text, dumps) would expand it.
    """
    resolver = _Resolver(references, base, filename)
    resolved = resolver.resolve(value)
    if resolved is not value:
        resolver.check_size(resolved)
    return resolved


class _Resolver:
    def __init__(
        self,
        references: Mapping[str, BaseReference],
        base: Mapping[str, object],
        filename: str,
    ) -> None:
        self.references = references
        # Longest first, so that no placeholder is taken for the start of a longer one.
        names = sorted(references, key=len, reverse=True)
        self.pattern = re.compile('"?(' + "|".join(re.escape(name) for name in names) + ')"?')
        self.base = base
        self.filename = filename
        self.spliced: dict[str, str] = {}  # each string with placeholders, resolved once
        self.written = 0  # characters of base values written into strings
        # lazy: only a config with `{{ _base_.x }}` references measures sizes (import cost)
        from cfgkit.config._load import value_size

        self.sizes = value_size

    def check_size(self, value: object) -> None:
        try:
            self.sizes.expanded_size(value)
        except self.sizes.SizeLimitError as error:
            raise self.size_error(
                "nest too deeply" if error.reason == "depth" else "stand for a value"
            ) from None

    def size_error(self, what: str) -> ValueSizeError:
        return ValueSizeError(
            f"The `{{{{ _base_.x }}}}` references of this file {what} of an expanded size of "
            f"more than {self.sizes.MAX_SIZE:,} (about a million values or 64 MB of text, a value "
            "counted wherever it appears)",
            filename=self.filename,
        )

    def resolve(self, value: object) -> object:
        if isinstance(value, str):
            if _TOKEN not in value:
                return value
            reference = self.references.get(value)
            if reference is not None:
                return _look_up(self.base, reference, self.filename)
            spliced = self.spliced.get(value)
            if spliced is None:
                spliced = self.spliced[value] = self.pattern.sub(self._splice, value)
            return spliced
        if isinstance(value, dict):
            changed = False
            items = []
            for key, item in dict.items(value):
                new_key = self._key(key)
                new = self.resolve(item)
                changed = changed or new is not item or new_key is not key
                items.append((new_key, new))
            return dict(items) if changed else value
        if isinstance(value, (list, tuple)):
            elements = [self.resolve(item) for item in value]
            if all(new is old for new, old in zip(elements, value)):
                return value
            return type(value)(elements)
        return value

    def _splice(self, match: re.Match[str]) -> str:
        value = _look_up(self.base, self.references[match.group(1)], self.filename)
        self.check_size(value)  # before str() walks it
        text = str(value)
        self.written += len(text)
        if self.written > self.sizes.MAX_SIZE:
            raise self.size_error("write into strings text")
        return text

    def _key(self, key: object) -> object:
        if not isinstance(key, str) or _TOKEN not in key:
            return key
        resolved = self.resolve(key)
        try:
            hash(resolved)
        except TypeError:
            reference = self.references.get(key)
            raise ConfigTypeError(
                f"A dict key refers to a base value of type {type(resolved).__name__}, which "
                "cannot be a key; refer to a string or a number",
                filename=self.filename,
                lineno=reference.lineno if reference else None,
                key=reference.path if reference else None,
            ) from None
        return resolved


def _look_up(base: Mapping[str, object], reference: BaseReference, filename: str) -> object:
    node: object = base
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
