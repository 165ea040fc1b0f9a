"""Turn a config dict into Python text (``pretty_text``) and dump it to .py, .json or .yaml.

Three Python styles:

- cfgkit's own (the default): keys in their order, each value on one line when it fits in 79
  columns and exploded one item per line otherwise. Fast, and it never imports yapf.
- ``'yapf'``: mmengine's text, byte for byte: keys sorted, formatted by yapf with mmengine's
  style (yapf is imported only for this).
- raw (``format_python_code=False``): mmengine's text before yapf.

Every style writes text that loads back to the same dict. Where mmengine's text would not
(``inf``, keys that are not identifiers, a string holding ``{{ ... }}``), the value is
written in a form that does; what cannot be written at all raises :class:`DumpError` naming
the key path.
"""

from __future__ import annotations

import keyword
import math
import types

from cfgkit._key_paths import dotted, shortened
from cfgkit._keys import BASE_KEY, DEPRECATION_KEY
from cfgkit._lazy_modules import lazy_module
from cfgkit.errors import DumpError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime
    import json
    from typing import Any, AnyStr, Iterable, Mapping, Optional

    from typing_extensions import TypeGuard

    from cfgkit._contracts import KeyPath, KeyT
else:
    datetime = lazy_module("datetime")  # lazy: see cfgkit._lazy_modules
    json = lazy_module("json")  # lazy: only JSON dumps need it

__all__ = ["dump_text", "format_python", "format_raw", "format_yapf", "is_python_name", "leaf_text"]

WIDTH = 79
INDENT = 4
YAPF_STYLE = {
    "based_on_style": "pep8",
    "blank_line_before_nested_class_or_def": True,
    "split_before_expression_after_opening_paren": True,
}
DUMP_FORMATS = ("py", "json", "yaml", "yml", "pkl", "pickle")
# Keys that loading drops or treats specially at the top level, in every format.
_UNSAFE_TOP_LEVEL = (BASE_KEY, DEPRECATION_KEY)
_MARKERS = ("{{", "<<")
_BYTE_MARKERS = (b"{{", b"<<")
# Python's parser gives up on brackets nested much deeper (about 200 levels).
MAX_DEPTH = 100
# Integers longer than this are written in hex: Python refuses decimal text over 4,300 digits.
LONG_INT_BITS = 12_000
# Builtins the Python text calls; a top-level key of one of these names would hide it.
_CALLED_BUILTINS = frozenset({"dict", "float", "complex", "set", "frozenset", "globals", "range"})


def _dotted(path: KeyPath) -> str:
    return dotted(path) or "<top level>"


def is_python_name(key: object) -> TypeGuard[str]:
    """Tell whether ``key`` can be written as a keyword argument or a variable name."""
    if not (isinstance(key, str) and key.isidentifier()) or keyword.iskeyword(key):
        return False
    if key.isascii():
        return True
    import unicodedata  # lazy: only non-ASCII keys need it

    # Python reads identifiers in NFKC form: `ﬁ = 1` defines `fi`.
    return unicodedata.normalize("NFKC", key) == key


def _check_depth(path: KeyPath) -> None:
    if len(path) > MAX_DEPTH:
        raise DumpError(
            f"values nested more than {MAX_DEPTH} levels deep cannot be written so that they "
            "load back",
            key=shortened(path),
        )


# --- leaves ---------------------------------------------------------------------------------


def _split_literal(text: AnyStr) -> str:
    """``repr(text)`` (a string or bytes), split so that no literal holds ``{{`` or ``<<``.

    Loading runs text passes over the file (``{{ $VAR }}``, ``{{ _base_.x }}``) before it is
    parsed; ``'{' '{x}}'`` is the same string to Python but invisible to those passes.
    """
    markers = _MARKERS if isinstance(text, str) else _BYTE_MARKERS
    if markers[0] not in text and markers[1] not in text:
        return repr(text)
    pieces = []
    start = 0
    for index in range(1, len(text)):
        if text[index - 1 : index + 1] in markers:
            pieces.append(text[start:index])
            start = index
    pieces.append(text[start:])
    return " ".join(repr(piece) for piece in pieces)


def _float(value: float) -> str:
    return repr(value) if math.isfinite(value) else f"float('{value}')"


def _reference(value: object, path: KeyPath) -> str:
    """An expression that imports ``value`` (a class or a function) on load."""
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        raise DumpError(
            f"cannot write {value!r} to a config file: it is not importable by name",
            key=_dotted(path),
        )
    found: object = __import__(module, fromlist=["_"])
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if found is not value:
        raise DumpError(
            f"cannot write {value!r} to a config file: {module}.{qualname} is another object",
            key=_dotted(path),
        )
    return f"__import__({module!r}, fromlist=['_']).{qualname}"


_REFERENCE_TYPES = (type, types.FunctionType, types.BuiltinFunctionType)


def leaf_text(leaf: object, path: KeyPath = ()) -> str:
    """Return the Python text of a value that is not a dict, list or tuple.

    Raises:
        DumpError: The value has no text that loads back to it (the error names ``path``).
    """
    value: Any = leaf  # used only as its exact type, checked first
    kind = type(value)
    if kind is str or kind is bytes:
        return _split_literal(value)
    if kind is int:
        return hex(value) if value.bit_length() > LONG_INT_BITS else repr(value)
    if kind is bool or value is None or kind is range:
        return repr(value)
    if kind is float:
        return _float(value)
    if kind is complex:
        return f"complex({_float(value.real)}, {_float(value.imag)})"
    if kind is set or kind is frozenset:
        items = sorted(leaf_text(item, path) for item in value)
        if kind is frozenset:
            return f"frozenset({{{', '.join(items)}}})" if items else "frozenset()"
        return f"{{{', '.join(items)}}}" if items else "set()"
    if kind is datetime.date or kind is datetime.datetime or kind is datetime.time:
        return f"__import__('datetime').{kind.__name__}.fromisoformat({value.isoformat()!r})"
    if isinstance(value, _REFERENCE_TYPES):
        return _reference(value, path)
    raise DumpError(
        f"cannot write a value of type {kind.__module__}.{kind.__qualname__} to a config file",
        key=_dotted(path),
    )


def _key(key: object, path: KeyPath) -> str:
    if isinstance(key, (list, tuple)):
        inner = ", ".join(_key(k, path) for k in key)
        return f"({inner},)" if len(key) == 1 else f"({inner})"
    return leaf_text(key, path)


# --- cfgkit's style ---------------------------------------------------------------------------


def _flat(value: object, path: KeyPath) -> str:
    """``value`` on one line."""
    _check_depth(path)
    if isinstance(value, dict):
        if not value:
            return "dict()"
        if all(is_python_name(k) for k in value):
            return (
                "dict(" + ", ".join(f"{k}={_flat(v, (*path, k))}" for k, v in value.items()) + ")"
            )
        pairs = (f"{_key(k, path)}: {_flat(v, (*path, k))}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v, (*path, i)) for i, v in enumerate(value)) + "]"
    if isinstance(value, tuple):
        items = [_flat(v, (*path, i)) for i, v in enumerate(value)]
        return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    return leaf_text(value, path)


def _block(value: object, indent: int, used: int, path: KeyPath) -> str:
    """``value`` starting ``used`` columns into a line indented by ``indent``."""
    flat = _flat(value, path)
    if used + len(flat) + 1 <= WIDTH or not isinstance(value, (dict, list, tuple)) or not value:
        return flat
    inner = " " * (indent + INDENT)
    lines = []
    if isinstance(value, dict):
        named = all(is_python_name(k) for k in value)
        opening, closing = ("dict(", ")") if named else ("{", "}")
        for key, item in value.items():
            prefix = f"{key}=" if named else f"{_key(key, path)}: "
            body = _block(item, indent + INDENT, len(inner) + len(prefix), (*path, key))
            lines.append(f"{inner}{prefix}{body},")
    else:
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        for index, item in enumerate(value):
            lines.append(f"{inner}{_block(item, indent + INDENT, len(inner), (*path, index))},")
    return opening + "\n" + "\n".join(lines) + "\n" + " " * indent + closing


def check_top_level(tree: Mapping[KeyT, object]) -> None:
    """Refuse top-level keys and values that loading drops or reads another way (any format).

    Raises:
        DumpError: A ``__`` key, ``_base_``, ``_deprecation_``, or a function or module.
    """
    for key, value in tree.items():
        if isinstance(key, str) and (key.startswith("__") or key in _UNSAFE_TOP_LEVEL):
            raise DumpError(
                f"a top-level key named {key!r} cannot be written to a config file: loading "
                "drops or interprets it",
                key=key,
            )
        if isinstance(value, (types.FunctionType, types.ModuleType)):
            raise DumpError(
                "a function or module at the top level cannot be written to a config file: "
                "loading drops it",
                key=str(key),
            )


def _target(key: object) -> str:
    """The assignment target for a top-level key (``globals()[...]`` for any other key)."""
    return key if is_python_name(key) else f"globals()[{_key(key, ())}]"


def format_python(tree: Mapping[KeyT, object]) -> str:
    """Write ``tree`` as a Python config in cfgkit's style.

    Args:
        tree: A plain config dict (``Config.to_dict()``).

    Returns:
        Python text that loads back to ``tree``.

    Raises:
        DumpError: A key or value cannot be written so that it loads back.
    """
    check_top_level(tree)
    lines = []
    for key, value in tree.items():
        target = _target(key)
        lines.append(f"{target} = {_block(value, 0, len(target) + 3, (key,))}")
    return _unshadow("\n".join(lines) + "\n", tree)


def _unshadow(text: str, tree: Mapping[KeyT, object]) -> str:
    """Call builtins that top-level keys hide (``dict = ...``) through ``__import__``.

    A dump of ``{'dict': 1, 'model': {...}}`` would otherwise call the key's value when
    ``model = dict(...)`` runs after ``dict = 1``. Only calls are rewritten (a name followed
    by ``(``), never keywords or assignment targets.
    """
    hidden = _CALLED_BUILTINS.intersection(k for k in tree if isinstance(k, str))
    if not hidden:
        return text
    import io
    import tokenize  # lazy: only a dump with such keys needs them

    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    lines = text.split("\n")
    # Right to left, so that earlier columns on a line stay valid.
    for token, following in reversed(list(zip(tokens, tokens[1:]))):
        if token.type == tokenize.NAME and token.string in hidden and following.string == "(":
            row, column = token.start
            line = lines[row - 1]
            replacement = f"__import__('builtins').{token.string}"
            lines[row - 1] = line[:column] + replacement + line[column + len(token.string) :]
    return "\n".join(lines)


# --- mmengine's style -------------------------------------------------------------------------


def _indent_tail(text: str) -> str:
    """Indent every line of ``text`` but the first (mmengine's ``_indent``)."""
    return text.replace("\n", "\n" + " " * INDENT)


def _raw_value(value: object, path: KeyPath) -> tuple[str, str]:
    """mmengine's text for a value after ``key=``, and the closing bracket that goes after
    it once it is indented (mmengine indents the text, then appends the bracket)."""
    _check_depth(path)
    if isinstance(value, dict):
        return f"dict(\n{_raw_dict(value, path)}", ")"
    if isinstance(value, (list, tuple)):
        return _raw_sequence(value, path), _closing(value)
    return leaf_text(value, path), ""


def _raw_dict(tree: Mapping[KeyT, object], path: KeyPath, top: bool = False) -> str:
    mapping = not all(is_python_name(k) for k in tree)
    items = sorted(tree.items(), key=lambda item: str(item[0]))
    parts = []
    for index, (key, value) in enumerate(items):
        end = "" if top or index == len(items) - 1 else ","
        name = f"{_key(key, path)}: " if mapping else f"{key}="
        text, closing = _raw_value(value, (*path, key))
        parts.append(_indent_tail(name + text) + closing + end)
    body = "\n".join(parts)
    return "{" + body + "}" if mapping else body


def _closing(value: object) -> str:
    return "]" if isinstance(value, list) else ")"


def _raw_sequence(value: Iterable[object], path: KeyPath) -> str:
    """mmengine's list or tuple text, up to (not including) the closing bracket."""
    _check_depth(path)
    text = "[\n" if isinstance(value, list) else "(\n"
    for index, item in enumerate(value):
        here = (*path, index)
        if isinstance(item, dict):
            text += f"dict({_indent_tail(_raw_dict(item, here))}),\n"
        elif isinstance(item, (list, tuple)):
            nested = _indent_tail(_raw_sequence(item, here)) + _closing(item)
            text += _indent_tail(nested) + ",\n"
        else:
            text += _indent_tail(leaf_text(item, here)) + ",\n"
    return text


def format_raw(tree: Mapping[KeyT, object]) -> str:
    """Write ``tree`` as mmengine's unformatted text (``format_python_code=False``).

    Top-level keys that are not identifiers are written as ``globals()[key] = ...``
    statements, where mmengine writes a bare ``{...}`` that loads to nothing.

    Raises:
        DumpError: A key or value cannot be written so that it loads back.
    """
    check_top_level(tree)
    if all(is_python_name(k) for k in tree):
        return _unshadow(_raw_dict(tree, (), top=True), tree)
    statements = []
    for key, value in sorted(tree.items(), key=lambda item: str(item[0])):
        text, closing = _raw_value(value, (key,))
        statements.append(f"{_target(key)} = {_indent_tail(text)}{closing}")
    return _unshadow("\n".join(statements), tree)


def format_yapf(tree: Mapping[KeyT, object]) -> str:
    """Write ``tree`` exactly as mmengine 0.10.7's ``pretty_text`` does (yapf 0.40.2+).

    Raises:
        DumpError: A key or value cannot be written so that it loads back.
        SyntaxError: yapf failed (mmengine raises the same).
    """
    text = format_raw(tree)
    from yapf.yapflib.yapf_api import FormatCode  # heavy (~100 ms); only this style needs it

    try:
        formatted, _ = FormatCode(text, style_config=YAPF_STYLE)
    except Exception as error:  # yapf raises many types; mmengine maps them all to this
        raise SyntaxError(
            f"Failed to format the config file, please check the syntax of: \n{text}"
        ) from error
    return str(formatted)


# --- JSON, YAML, pickle -----------------------------------------------------------------------

# The leaves JSON writes, and the keys it takes: a key that is not a string is written as its
# JSON text, as mmengine (json.dump) does.
_JSON_LEAVES = (str, int, float, bool, type(None))
_PLAIN_JSON = frozenset({str, float, bool, type(None)})
_STRING_KEYS = frozenset({str})


def _plainly_json(plain: object, depth: int) -> bool:
    """True when ``value`` certainly dumps to JSON that loads back: only exact dicts with
    string keys, lists, tuples and plain leaves, ints of a readable length, not too deep.
    False says nothing (:func:`_check_json` decides): it is the quick walk of every dump."""
    value: Any = plain  # used only as its exact type, checked first
    kind = type(value)
    if kind is dict:
        if not _STRING_KEYS.issuperset(map(type, value)):
            return False
        items: Iterable[Any] = dict.values(value)
    elif kind is list or kind is tuple:
        items = value
    elif kind is int:
        return bool(value.bit_length() <= LONG_INT_BITS)
    else:
        return kind in _PLAIN_JSON
    if depth >= MAX_DEPTH:  # what lies below may be too deep
        return False
    for item in items:
        kind = type(item)
        if kind in _PLAIN_JSON or (kind is int and item.bit_length() <= LONG_INT_BITS):
            continue
        if not _plainly_json(item, depth + 1):
            return False
    return True


def _check_json(value: object, path: KeyPath) -> None:
    _check_depth(path)
    if isinstance(value, dict):
        written: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, _JSON_LEAVES):
                raise DumpError(
                    f"JSON keys are strings, numbers or null: the key {key!r} cannot be written",
                    key=_dotted((*path, key)),
                )
            if not isinstance(key, str):
                text = json.dumps(key).strip('"')
                if text in written or text in value:
                    raise DumpError(
                        f"the keys {key!r} and {written.get(text, text)!r} would both be written "
                        f"as {text!r} in JSON",
                        key=_dotted((*path, key)),
                    )
                written[text] = key
            _check_json(item, (*path, key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_json(item, (*path, index))
    elif not isinstance(value, _JSON_LEAVES):
        raise DumpError(
            f"cannot write a value of type {type(value).__name__} to JSON", key=_dotted(path)
        )
    elif type(value) is int and value.bit_length() > LONG_INT_BITS:
        raise DumpError(
            "an integer this long cannot be written to JSON (Python reads at most 4,300 "
            "digits); write it to .py or .yaml",
            key=_dotted(path),
        )


def _dump_json(tree: Mapping[KeyT, object], indent: Optional[int] = None) -> str:
    if not _plainly_json(tree, 0):  # only then walk again, to name what cannot be written
        _check_json(tree, ())
    text = json.dumps(tree, indent=indent)
    # Outside strings JSON never has "{{" or "<<"; inside one, an escape keeps the loader's
    # text passes from reading it as a reference.
    return text.replace("{{", "{\\u007b").replace("<<", "<\\u003c")


def _yaml_leaves() -> tuple[type, ...]:
    """The types YAML's safe dumper writes as themselves (subclasses of these it does not)."""
    return (str, int, float, bool, type(None), bytes, datetime.date, datetime.datetime, set)


def _check_yaml(value: object, path: KeyPath) -> None:
    """Raise a :class:`DumpError` naming the first value YAML's safe dumper cannot write."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_yaml(key, (*path, key))
            _check_yaml(item, (*path, key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_yaml(item, (*path, index))
    elif type(value) not in _yaml_leaves() or (
        type(value) is set and not all(type(v) in _yaml_leaves() for v in value)
    ):
        kind = type(value)
        bases = [base.__name__ for base in _yaml_leaves() if isinstance(value, base)]
        subclass = f" (a subclass of {bases[0]})" if bases else ""
        raise DumpError(
            f"cannot write a value of type {kind.__name__}{subclass} to YAML", key=_dotted(path)
        )
    elif type(value) is str and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise DumpError(
                "a string holding a lone surrogate cannot be written to YAML; write it to "
                ".py or .json",
                key=_dotted(path),
            ) from None


def _dump_yaml(tree: Mapping[KeyT, object], sort_keys: bool = True) -> str:
    from cfgkit.config._load import yaml_safe  # lazy: PyYAML costs ~20 ms to import

    try:
        text = yaml_safe.dump_yaml(tree, sort_keys)
    except Exception as error:
        # Only now walk the tree, to name the key (a subclass, a lone surrogate, ...).
        _check_yaml(tree, ())
        raise DumpError(f"cannot write the config to YAML: {error}") from error
    # Strings holding a marker are written double-quoted, where escapes work.
    return text.replace("{{", "{\\x7b").replace("<<", "<\\x3c")


def dump_text(
    tree: Mapping[KeyT, object],
    file_format: str,
    python_text: Optional[str] = None,
    json_indent: Optional[int] = None,
    sort_keys: bool = True,
) -> Any:  # str, or bytes for pickle
    """Serialise a config dict in ``file_format``.

    Args:
        tree: A plain config dict (``Config.to_dict()``).
        file_format: ``py``, ``json``, ``yaml``, ``yml``, ``pkl`` or ``pickle``.
        python_text: The text to use for ``py`` (the config's ``pretty_text``).
        json_indent: Indent JSON by this many spaces (mmengine's compact form when None).
        sort_keys: Sort YAML's keys, as mmengine's dumps do (False: the config's order).

    Returns:
        The text (bytes for pickle).

    Raises:
        DumpError: The format is not supported, or a value cannot be written in it.
    """
    if file_format == "py":
        return python_text if python_text is not None else format_python(tree)
    if file_format in ("json", "yaml", "yml"):
        check_top_level(tree)
    if file_format == "json":
        return _dump_json(tree, json_indent)
    if file_format in ("yaml", "yml"):
        return _dump_yaml(tree, sort_keys)
    if file_format in ("pkl", "pickle"):
        import pickle  # lazy: only this format needs it

        return pickle.dumps(tree)
    raise DumpError(f"Unsupported format: {file_format}")
