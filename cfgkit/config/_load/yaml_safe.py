"""Read YAML safely: the safe types plus ``!!python/tuple``, and no other Python tag.

mmengine reads YAML with PyYAML's full loader, so ``!!python/object/apply:os.system [...]``
in a config runs a command. Here such a tag is an error and nothing is constructed.
"""

from __future__ import annotations

import contextlib
import sys

import yaml

from cfgkit.errors import DataSyntaxError, NestingError, UnsafeYamlError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Optional, Union

    from yaml.constructor import BaseConstructor, SafeConstructor
    from yaml.representer import BaseRepresenter

    #: A constructor of a scalar, as the loader's ``yaml_constructors`` hold them.
    _Construct = Callable[[BaseConstructor, yaml.ScalarNode], object]

__all__ = ["SafeTupleDumper", "SafeTupleLoader", "compose_yaml", "dump_yaml", "load_yaml"]

TUPLE_TAG = "tag:yaml.org,2002:python/tuple"
# Aliases may make a document stand for far more values than it writes ("billion laughs");
# past this many, it is refused (a real config has a few thousand at most).
MAX_EXPANDED_NODES = 1_000_000
_PYTHON_TAG_PREFIX = "tag:yaml.org,2002:python/"
# PyYAML reads an integer or a base-60 number (`1:30:00`) in time quadratic in its length;
# longer ones are refused (Python itself converts at most 4,300 digits from text).
MAX_NUMBER_CHARACTERS = 4300

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ResolvedOnce:
    """Resolves the implicit tag of each distinct scalar once per document (PyYAML resolves
    every scalar with a few regular expressions, twice per scalar when dumping). The tag
    depends only on the value and how it was written: PyYAML's path resolvers, the one way
    it could depend on more, are not registered on these classes."""

    def resolve(
        self, kind: type[yaml.Node], value: object, implicit: Union[bool, tuple[bool, bool]]
    ) -> str:
        if kind is not yaml.ScalarNode:
            # super() is the loader's or dumper's resolver, which mypy cannot see from a mixin.
            return super().resolve(kind, value, implicit)  # type: ignore[misc, no-any-return]
        resolved: dict[tuple[object, object], str] = self.__dict__.setdefault("_resolved", {})
        key = (value, implicit)
        tag = resolved.get(key)
        if tag is None:
            tag = resolved[key] = super().resolve(kind, value, implicit)  # type: ignore[misc]  # as above
        return tag


# _BaseLoader is Any to mypy (PyYAML's C loader or its Python one, chosen at run time).
class SafeTupleLoader(_ResolvedOnce, _BaseLoader):  # type: ignore[misc]
    """PyYAML's safe loader (the C one when available) that also builds tuples."""


def _construct_tuple(loader: BaseConstructor, node: yaml.SequenceNode) -> tuple[object, ...]:
    return tuple(loader.construct_sequence(node, deep=True))


SafeTupleLoader.add_constructor(TUPLE_TAG, _construct_tuple)


_NO_INT_LIMIT = not hasattr(sys, "get_int_max_str_digits")


def _bounded_number(construct: _Construct) -> _Construct:
    def bounded(loader: BaseConstructor, node: yaml.ScalarNode) -> object:
        text = node.value
        # Python 3.11+ refuses long decimal integers itself (int_max_str_digits).
        if len(text) > MAX_NUMBER_CHARACTERS and (":" in text or _NO_INT_LIMIT):
            kind = "a base-60 number" if ":" in text else "a number"
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{kind} of more than {MAX_NUMBER_CHARACTERS:,} characters (reading it takes "
                "time quadratic in its length)",
                node.start_mark,
            )
        return construct(loader, node)

    return bounded


for _tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
    # Every way to an integer or a float (plain scalars, set members, !!omap values) goes
    # through the loader's constructor for the tag.
    SafeTupleLoader.add_constructor(_tag, _bounded_number(_BaseLoader.yaml_constructors[_tag]))


def load_yaml(text: str, filename: str) -> object:
    """Parse YAML text with :class:`SafeTupleLoader`.

    Args:
        text: The YAML document.
        filename: The file, named in errors.

    Returns:
        The parsed document.

    Raises:
        UnsafeYamlError: The document uses a Python tag other than ``!!python/tuple``, or
            its aliases expand to more than :data:`MAX_EXPANDED_NODES` values.
        DataSyntaxError: The document is not well-formed YAML, nests too deeply, or holds
            an integer longer than Python converts.
    """
    loader = SafeTupleLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text:
            _check_expansion(node, filename)
        return _Constructor(loader).construct(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        lineno = mark.line + 1 if mark is not None else None
        if isinstance(error, yaml.constructor.ConstructorError):  # located by its line only
            problem = error.problem or ""
            if _PYTHON_TAG_PREFIX in problem or "!!python/" in problem:
                raise UnsafeYamlError(
                    f"Refusing to construct a Python object from YAML ({problem.strip()}); "
                    "only !!python/tuple is allowed in cfgkit configs",
                    filename=filename,
                    lineno=lineno,
                ) from None
            raise DataSyntaxError(
                f"Invalid YAML: {problem}", filename=filename, lineno=lineno
            ) from None
        problem = getattr(error, "problem", None) or str(error)
        offset = mark.column + 1 if mark is not None else None
        raise DataSyntaxError(
            f"Invalid YAML: {problem}", filename=filename, lineno=lineno, offset=offset
        ) from None
    finally:
        loader.dispose()


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
# Keys that `flatten_mapping` rewrites: merges (`<<: *base`) and `=`.
_FLATTENED_KEY_TAGS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")
_SCALAR_TAGS = tuple(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float"))


class _Constructor:
    """Builds the document from PyYAML's node tree as ``construct_document`` does, in one
    pass without its per-node bookkeeping: maps, sequences, tuples and strings here, other
    plain scalars by the loader's own constructors, every other tag (timestamps, sets, and
    the Python tags that are refused) by the loader itself. A node reached twice through an
    alias gives the same object, as in PyYAML."""

    __slots__ = ("built", "loader", "scalars")

    def __init__(self, loader: SafeConstructor) -> None:
        self.loader = loader
        constructors = loader.yaml_constructors
        self.scalars = {tag: constructors[tag] for tag in _SCALAR_TAGS}
        self.built: dict[int, object] = {}  # by id of a node: a list, tuple or dict

    def construct(self, node: yaml.Node) -> object:
        kind = type(node)
        tag = node.tag
        if kind is yaml.ScalarNode:
            if tag == _STR_TAG:
                return node.value
            scalar = self.scalars.get(tag)
            if scalar is not None:
                return scalar(self.loader, node)
        elif kind is yaml.MappingNode and tag == _MAP_TAG:
            return self._mapping(node)  # type: ignore[arg-type]  # kind is yaml.MappingNode
        elif kind is yaml.SequenceNode and tag in (_SEQ_TAG, TUPLE_TAG):
            if id(node) not in self.built:
                items = [self.construct(item) for item in node.value]
                self.built[id(node)] = items if tag == _SEQ_TAG else tuple(items)
            return self.built[id(node)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode) -> dict[object, object]:
        known = self.built.get(id(node))  # a mapping node's id is only ever built as a dict
        if isinstance(known, dict):
            return known
        if any(key.tag in _FLATTENED_KEY_TAGS for key, _ in node.value):
            self.loader.flatten_mapping(node)
        built = self.built[id(node)] = {}
        construct = self.construct
        for key_node, value_node in node.value:
            key = construct(key_node)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                ) from None
            built[key] = construct(value_node)
        return built


def _check_expansion(root: yaml.Node, filename: str) -> None:
    """Refuse a node graph whose aliases stand for too many values, or that contains itself.

    Each distinct node is counted once, with memoised sizes, so this is linear in the text.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_EXPANDED_NODES:
                raise UnsafeYamlError(
                    f"Refusing YAML whose aliases expand to more than {MAX_EXPANDED_NODES:,} "
                    f"values (the node at line {node.start_mark.line + 1} alone does); write "
                    "the values out, or use fewer nested aliases",
                    filename=filename,
                    lineno=node.start_mark.line + 1,
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise NestingError(
                "Refusing YAML with an alias inside the value it names (the value would "
                "contain itself)",
                filename=filename,
                lineno=node.start_mark.line + 1,
            )
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# _BaseDumper is Any to mypy, as _BaseLoader is.
class SafeTupleDumper(_ResolvedOnce, _BaseDumper):  # type: ignore[misc]
    """PyYAML's safe dumper that writes tuples as ``!!python/tuple`` (as mmengine's does).

    Config trees are mostly strings, numbers, dicts and lists: those are represented here
    directly, as PyYAML's representers would (sorted keys, aliases for a container met twice,
    the same node styles), and every other value by PyYAML's own ``represent_data``. The tag
    of each scalar is resolved once per distinct value (the emitter asks twice per scalar).
    """

    def represent_data(self, value: object) -> yaml.Node:
        data: Any = value  # narrowed by the exact-type tests below (the dumper's fast path)
        kind = type(data)
        if kind is str:
            # Double-quoted when it holds "{{" or "<<", so that the caller can escape it.
            style = '"' if "{{" in data or "<<" in data else self.default_style
            return yaml.ScalarNode(_STR_TAG, data, style=style)
        if kind is int and data.bit_length() <= LONG_INT_BITS:
            return yaml.ScalarNode(_INT_TAG, str(data), style=self.default_style)
        if kind is bool:
            return yaml.ScalarNode(_BOOL_TAG, "true" if data else "false", style=self.default_style)
        if kind is dict or kind is list:
            node: Optional[yaml.Node] = self.represented_objects.get(id(data))
            if node is not None:  # met before: written as an alias
                return node
            self.object_keeper.append(data)
            return self._mapping(data) if kind is dict else self._sequence(data)
        other: yaml.Node = super().represent_data(data)  # PyYAML's representers
        return other

    def _mapping(self, data: dict[object, object]) -> yaml.MappingNode:
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        node = yaml.MappingNode(_MAP_TAG, pairs)
        self.represented_objects[id(data)] = node
        items = list(data.items())
        if self.sort_keys:
            with contextlib.suppress(TypeError):
                items.sort()
        pairs.extend((self.represent_data(key), self.represent_data(value)) for key, value in items)
        self._choose_flow(node, (part for pair in pairs for part in pair))
        return node

    def _sequence(self, data: list[object]) -> yaml.SequenceNode:
        items: list[yaml.Node] = []
        node = yaml.SequenceNode(_SEQ_TAG, items)
        self.represented_objects[id(data)] = node
        items.extend(map(self.represent_data, data))
        self._choose_flow(node, items)
        return node

    def _choose_flow(self, node: yaml.CollectionNode, children: Iterable[yaml.Node]) -> None:
        """PyYAML's "best style": flow only if every key and value is plain."""
        flow = self.default_flow_style
        node.flow_style = all(map(_is_plain, children)) if flow is None else flow


def _is_plain(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and not node.style


def _represent_tuple(dumper: BaseRepresenter, data: tuple[object, ...]) -> yaml.SequenceNode:
    return dumper.represent_sequence(TUPLE_TAG, data)


def _represent_str(dumper: BaseRepresenter, data: str) -> yaml.ScalarNode:
    # A string holding "{{" or "<<" is written double-quoted so that the caller can escape
    # the marker (loading reads "{{ ... }}" in the raw text as a reference).
    style = '"' if "{{" in data or "<<" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_int(dumper: BaseRepresenter, data: int) -> yaml.ScalarNode:
    # Decimal text of a huge int exceeds Python's int_max_str_digits; YAML's hex form does not.
    text = hex(data) if data.bit_length() > LONG_INT_BITS else str(data)
    return dumper.represent_scalar("tag:yaml.org,2002:int", text)


# Below 4,300 decimal digits (Python's default limit) with room to spare.
LONG_INT_BITS = 12_000
SafeTupleDumper.add_representer(tuple, _represent_tuple)
SafeTupleDumper.add_representer(int, _represent_int)
SafeTupleDumper.add_representer(str, _represent_str)


def dump_yaml(data: object, sort_keys: bool = True) -> str:
    """Write ``data`` as YAML in PyYAML's default block style, keys sorted (as mmengine).

    Args:
        data: Plain dicts, lists, tuples and YAML scalars.
        sort_keys: Sort keys (mmengine's dumps do); False keeps the config's order.

    Returns:
        The YAML document.
    """
    text: str = yaml.dump(data, Dumper=SafeTupleDumper, sort_keys=sort_keys)
    return text


def compose_yaml(text: str) -> Optional[yaml.Node]:
    """Return PyYAML's node tree of ``text`` (with marks: lines and columns), or None."""
    return yaml.compose(text, Loader=SafeTupleLoader)
