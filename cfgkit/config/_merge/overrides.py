"""Command-line overrides: ``DictAction`` for ``--cfg-options`` and ``auto_argparser``'s flags.

Values parse as in mmengine 0.10.7: ``1`` is an int, ``1.5`` a float, ``true``/``false`` (any
case) a bool, ``None`` is None, ``a,b`` and ``[a,b]`` lists, ``(a,b)`` tuples, nested at will,
and spaces outside quotes are dropped. Unlike mmengine, ``(1,2),(3,4)`` is a list of two
tuples (mmengine recurses forever), a quoted element inside brackets stays a string
(``['1',2]`` is ``['1', 2]``), and malformed input is an argparse error, not a traceback.
"""

from __future__ import annotations

import re
from argparse import Action, ArgumentError, ArgumentParser, Namespace
from collections import abc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator, Optional, Sequence, Union

    from cfgkit._contracts import ItemSource, OptionValue, Scalar

    # What DictAction collects, for type checkers; at run time the base is `dict` itself.
    _Options = dict[str, object]
else:
    _Options = dict

__all__ = ["DictAction", "add_args", "parse_option_value", "split_fields"]

_QUOTES = "'\""
_DIGIT_RE = re.compile(r"\d")
# What float() takes without a digit.
_FLOAT_WORDS = frozenset({"inf", "infinity", "nan"})
# Characters that give a value structure (brackets, commas) or quoting.
_STRUCTURE_OR_QUOTE_RE = re.compile(r"[()\[\],'\"]")
# Items of a flat list: commas between plain values, no brackets or quotes.
_FLAT_ITEMS_RE = re.compile(r"[^()\[\]'\"]*")
_BRACKETS_AND_COMMA = frozenset("()[],")
_STRUCTURE_RE = re.compile(r"[()\[\],]")
# Deeper brackets than any real option; the parser recurses once per level.
MAX_BRACKET_DEPTH = 100
_PAIRS = {"(": ")", "[": "]"}


class OptionValueError(ValueError):
    """A ``--cfg-options`` value cannot be parsed (turned into an argparse error)."""


def _has_quote(text: str) -> bool:
    return "'" in text or '"' in text


def _scalar(text: str) -> Scalar:
    """mmengine's ``_parse_int_float_bool``: int, then float, then bool, then None."""
    # int() and float() are tried only where they could succeed (they are slow to fail).
    if _DIGIT_RE.search(text) is not None or text.strip().lower().lstrip("+-") in _FLOAT_WORDS:
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            pass
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if text == "None":
        return None
    return text


class _Scanner:
    """Walk a value's characters knowing which are inside quotes.

    Quotes only count when they pair up; in ``it's`` the quote is an ordinary character,
    as it is for mmengine.
    """

    def __init__(self, text: str) -> None:
        quote = ""  # the quote left open, scanning as walk() does
        for char in text if _has_quote(text) else "":
            if quote:
                if char == quote:
                    quote = ""
            elif char in _QUOTES:
                quote = char
        self.quoting = not quote

    def walk(self, text: str) -> Iterator[tuple[int, str, bool]]:
        """Yield ``(index, char, quoted)`` for every character of ``text``."""
        quote = ""
        for index, char in enumerate(text):
            if quote:
                if char == quote:
                    quote = ""
                yield index, char, True
            elif self.quoting and char in _QUOTES:
                quote = char
                yield index, char, True
            else:
                yield index, char, False

    def structure(self, text: str) -> list[tuple[int, str]]:
        """``(index, char)`` of the brackets and commas of ``text`` outside quotes."""
        if not self.quoting or not _has_quote(text):
            return [(match.start(), match.group()) for match in _STRUCTURE_RE.finditer(text)]
        return [
            (index, char)
            for index, char, quoted in self.walk(text)
            if not quoted and char in _BRACKETS_AND_COMMA
        ]


def _drop_unquoted_spaces(text: str, scanner: _Scanner) -> str:
    if " " not in text:
        return text
    if not scanner.quoting or not _has_quote(text):
        return text.replace(" ", "")
    return "".join(c for _, c, quoted in scanner.walk(text) if quoted or c != " ")


def _split_top_level(text: str, scanner: _Scanner) -> list[str]:
    """Split at commas outside brackets and quotes; check that brackets balance."""
    parts = []
    stack: list[str] = []
    start = 0
    for index, char in scanner.structure(text):
        if char in _PAIRS:
            stack.append(_PAIRS[char])
            if len(stack) > MAX_BRACKET_DEPTH:
                raise OptionValueError(
                    f"Brackets are nested more than {MAX_BRACKET_DEPTH} levels deep in "
                    f"{text[:40]}..."
                )
        elif char in ")]":
            if not stack or stack.pop() != char:
                raise OptionValueError(f"Imbalanced brackets exist in {text}")
        elif char == "," and not stack:
            parts.append(text[start:index])
            start = index + 1
    if stack:
        raise OptionValueError(f"Imbalanced brackets exist in {text}")
    parts.append(text[start:])
    return parts


def _elements(parts: list[str]) -> list[str]:
    # mmengine drops what follows a trailing comma: "a," is ['a'] and "(1,)" is (1,).
    return parts[:-1] if len(parts) > 1 and parts[-1] == "" else parts


def _encloses(text: str, scanner: _Scanner) -> bool:
    """Tell whether ``text`` is one bracketed group: its first bracket closes at its end."""
    if len(text) < 2 or text[0] not in _PAIRS or text[-1] != _PAIRS[text[0]]:
        return False
    depth = 0
    for index, char in scanner.structure(text):
        if char in _PAIRS:
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth == 0:
                return index == len(text) - 1
    return False


def _parse(text: str, scanner: _Scanner, inside: bool) -> OptionValue:
    if _STRUCTURE_OR_QUOTE_RE.search(text) is None:  # a plain element: no brackets, commas, quotes
        return _scalar(text)
    if inside and scanner.quoting and len(text) >= 2 and text[0] in _QUOTES and text[-1] == text[0]:
        return text[1:-1]
    if _encloses(text, scanner):
        inner = text[1:-1]
        parts = _elements(_split_top_level(inner, scanner)) if inner else []
        items: list[OptionValue] = [_parse(part, scanner, True) for part in parts]
        return tuple(items) if text[0] == "(" else items
    parts = _split_top_level(text, scanner)
    if len(parts) == 1:
        return _scalar(text)
    return [_parse(part, scanner, True) for part in _elements(parts)]


def parse_option_value(text: str) -> OptionValue:
    """Parse one ``--cfg-options`` value as mmengine 0.10.7 does, with its crashes fixed.

    Args:
        text: What follows ``key=``.

    Returns:
        An int, float, bool, None, string, list or tuple.

    Raises:
        ValueError: The brackets do not balance.

    Examples:
        >>> parse_option_value('[(1,2),[a,b],false]')
        [(1, 2), ['a', 'b'], False]
        >>> parse_option_value("(1,2),(3,4)")
        [(1, 2), (3, 4)]
        >>> parse_option_value("['1', 2]")
        ['1', 2]
    """
    stripped = text.strip(_QUOTES)
    if _STRUCTURE_OR_QUOTE_RE.search(stripped) is None:  # the common case: one plain value
        return _scalar(stripped.replace(" ", "") if " " in stripped else stripped)
    if stripped[:1] + stripped[-1:] in ("[]", "()") and _FLAT_ITEMS_RE.fullmatch(
        stripped, 1, len(stripped) - 1
    ):
        # The next most common: one flat list or tuple, `[4,8]` or `(1333, 800)`.
        inner = stripped[1:-1].replace(" ", "")
        items: list[OptionValue] = (
            [_scalar(item) for item in _elements(inner.split(","))] if inner else []
        )
        return tuple(items) if stripped[0] == "(" else items
    scanner = _Scanner(stripped)
    return _parse(_drop_unquoted_spaces(stripped, scanner), scanner, inside=False)


def _split_item(item: str) -> tuple[str, str, str]:
    """``KEY=VALUE`` at the first ``=`` outside a selector's brackets
    (``train_pipeline[type=Resize].scale=(640,480)``)."""
    if "[" not in item.partition("=")[0]:
        return item.partition("=")
    depth = 0
    for index, char in enumerate(item):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "=" and depth == 0:
            return item[:index], "=", item[index + 1 :]
    return item, "", ""


def split_fields(text: str) -> list[str]:
    """``a=1,b=(1,2)`` -> ``['a=1', 'b=(1,2)']``: commas inside brackets stay; empty parts go.
    For ``dict(...)`` values here and list selectors' fields."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part for part in parts if part.strip()]


def _option_value(text: str) -> object:
    """An option value (:func:`parse_option_value`), or ``dict(type=Foo,p=1,scale=(1,2))``
    from the command line as a dict (its values parsed the same way: ``dict(...)`` nests)."""
    stripped = text.strip()
    if not (stripped.startswith("dict(") and stripped.endswith(")")):
        return parse_option_value(text)
    result: dict[str, object] = {}
    for part in split_fields(stripped[len("dict(") : -1]):
        name, separator, value = part.partition("=")
        if not separator or not name.strip().isidentifier():
            raise OptionValueError(f"expected name=value inside dict(...), got {part.strip()!r}")
        result[name.strip()] = _option_value(value)
    return result


class CommandLineOptions(_Options):
    """The dict ``DictAction`` collects: a plain dict, marked so that merging it records
    ``--cfg-options`` as the source of its values (see ``Config.provenance``)."""

    provenance_label = "--cfg-options"


class DictAction(Action):
    """argparse action that collects ``KEY=VALUE`` pairs into a dict for ``merge_from_dict``.

    Use it with ``nargs='+'``. Repeated flags accumulate (later keys win); keys stay dotted.

    Examples:
        >>> parser = ArgumentParser()
        >>> _ = parser.add_argument('--cfg-options', nargs='+', action=DictAction)
        >>> parser.parse_args(['--cfg-options', 'model.depth=50', 'lr=[1,2]']).cfg_options
        {'model.depth': 50, 'lr': [1, 2]}
    """

    @staticmethod
    def _parse_int_float_bool(val: str) -> Scalar:
        return _scalar(val)

    @staticmethod
    def _parse_iterable(val: str) -> OptionValue:
        return parse_option_value(val)

    def __call__(
        self,
        parser: ArgumentParser,
        namespace: Namespace,
        values: Union[str, Sequence[object], None],
        option_string: Optional[str] = None,
    ) -> None:
        options = CommandLineOptions()
        earlier = getattr(namespace, self.dest, None)
        if earlier:
            options.update(earlier)
        if isinstance(values, str):
            values = [values]
        for item in values or ():
            key, separator, value = _split_item(item if type(item) is str else str(item))
            if key.startswith("~") and "[" in key and not separator:
                options[key] = None  # `~train_pipeline[type=RandomFlip]` removes, no value
                continue
            if not separator or not key:
                raise ArgumentError(self, f"expected KEY=VALUE, got {item!r}")
            try:
                options[key] = _option_value(value)
            except OptionValueError as error:
                raise ArgumentError(self, f"{key}: {error}") from None
        setattr(namespace, self.dest, options)


def add_args(parser: ArgumentParser, cfg: ItemSource, prefix: str = "") -> ArgumentParser:
    """Add a ``--key`` flag for every leaf of ``cfg`` (nested keys as ``--a.b``).

    Strings take a value, bools are switches, ints and floats are typed, sequences take one
    or more values of their first element's type; other values get no flag.

    Args:
        parser: The parser to extend.
        cfg: A config dict.
        prefix: Prepended to every flag name (used for nesting).

    Returns:
        ``parser``.
    """
    for key, value in cfg.items():
        flag = f"--{prefix}{key}"
        if isinstance(value, str):
            parser.add_argument(flag)
        elif isinstance(value, bool):
            parser.add_argument(flag, action="store_true")
        elif isinstance(value, int):
            parser.add_argument(flag, type=int)
        elif isinstance(value, float):
            parser.add_argument(flag, type=float)
        elif isinstance(value, dict):
            add_args(parser, value, f"{prefix}{key}.")
        elif isinstance(value, abc.Iterable):
            # mmengine crashes on an empty sequence; its elements could be anything.
            element_type = type(next(iter(value))) if value else str
            parser.add_argument(flag, type=element_type, nargs="+")
    return parser
