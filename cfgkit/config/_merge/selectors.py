"""List selectors: edit the element of a list of dicts by what it is, not where it is.

A selector is a key that addresses a list written over:

- ``[type=Resize]`` (several fields: ``[type=Resize,keep_ratio=True]``): the one element
  whose fields all have those values; a dict value merges into it (``_delete_=True``
  replaces it), any other value replaces it;
- ``[+]``: append the value;
- ``[type=PackDetInputs]:before`` and ``...:after``: insert the value next to the element;
- ``~[type=RandomFlip]``: remove the element (the value is ignored).

In an option the selector follows its list's key (``train_pipeline[type=Resize].scale``,
``~train_pipeline[type=RandomFlip]``); in a child config it is a key of the dict written over
the base list (``train_pipeline = {'[type=Resize]': dict(scale=(640, 480))}``), which mmengine
rejects, so no valid config changes meaning. Field values are read as option values are
(``True``, ``3``, ``1.5``, ``None``, quoted or bare strings).
"""

from __future__ import annotations

from cfgkit._key_paths import dotted, is_index, list_index
from cfgkit._keys import DELETE_KEY, TYPE_KEY
from cfgkit._lazy_modules import lazy_pattern
from cfgkit._records import NamedTuple
from cfgkit.errors import ConfigKeyError, SelectorError, did_you_mean

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Sequence

    from cfgkit._contracts import ConfigTree, KeyPath

    # Where selectors were applied: the list's path, what they wrote by index, and which
    # selector key wrote each index.
    Selected = list[tuple[KeyPath, dict[int, object], dict[int, str]]]

__all__ = [
    "aliases",
    "apply_selectors",
    "credited",
    "find_key",
    "is_selector_dict",
    "parse_selector",
    "split_key",
]

_SELECTOR = lazy_pattern(r"(~?)\[([^\[\]]*)\](?::(before|after))?")


class Selector(NamedTuple):
    """A parsed selector key.

    Attributes:
        text: The key as written.
        action: ``'edit'``, ``'append'``, ``'remove'``, ``'before'`` or ``'after'``.
        fields: ``(name, value)`` pairs an element must match (empty for ``append``).
    """

    text: str
    action: str
    fields: tuple[tuple[str, object], ...]

    def matches(self, element: object) -> bool:
        return isinstance(element, dict) and all(
            name in element and _equal(dict.__getitem__(element, name), value)
            for name, value in self.fields
        )


def _equal(first: object, second: object) -> bool:
    if isinstance(first, (list, tuple)) and isinstance(second, (list, tuple)):
        return list(first) == list(second)  # `scale=(1,2)` matches a list written [1, 2]
    try:
        return bool(first == second) and isinstance(first, bool) == isinstance(second, bool)
    except Exception:  # values without a truth value for ==
        return False


def parse_selector(key: object) -> Optional[Selector]:
    """The selector ``key`` is, or None for an ordinary key."""
    if not isinstance(key, str) or "[" not in key:
        return None
    match = _SELECTOR.fullmatch(key)
    if match is None:
        return None
    remove, inner, place = match.groups()
    inner = inner.strip()
    if inner == "+":
        return None if remove or place else Selector(key, "append", ())
    # lazy: overrides imports argparse, which `import cfgkit` must not
    from cfgkit.config._merge.overrides import parse_option_value, split_fields

    fields = []
    for part in split_fields(inner):
        name, separator, value = part.partition("=")
        name = name.strip()
        if not separator or not name.isidentifier():
            # `[CLS]`, `[0]`: an ordinary key (a tokenizer's label), as mmengine reads it.
            return None
        fields.append((name, parse_option_value(value.strip())))
    if not fields or (remove and place):
        return None
    return Selector(key, "remove" if remove else (place or "edit"), tuple(fields))


def split_key(key: str) -> list[str]:
    """Split a dotted option key, keeping selectors whole and apart.

    ``'a.b[type=x.y].c'`` -> ``['a', 'b', '[type=x.y]', 'c']``; ``'~a[type=X]'`` ->
    ``['a', '~[type=X]']``; ``'a[type=X]:before'`` -> ``['a', '[type=X]:before']``.
    """
    remove = key.startswith("~") and "[" in key
    text = key[1:] if remove else key
    parts: list[str] = []
    current = ""
    depth = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "[" and depth == 0:
            if current:
                parts.append(current)
            current = "["
            depth = 1
        elif char == "]" and depth == 1:
            current += "]"
            depth = 0
            for place in (":before", ":after"):
                if text.startswith(place, index + 1):
                    current += place
                    index += len(place)
            parts.append(current)
            current = ""
        elif char == "." and depth == 0:
            if current:
                parts.append(current)
            current = ""
        else:
            if char == "[":
                depth += 1
            current += char
        index += 1
    if current or not parts:
        parts.append(current)
    if remove:
        for position in range(len(parts) - 1, -1, -1):
            if parts[position].startswith("["):
                parts[position] = "~" + parts[position]
                break
    return parts


def find_key(tree: Any, key: str) -> KeyPath:
    """The key path that ``key``, as a user writes it, names in ``tree``.

    ``key`` is dotted, with list indexes (``'train_pipeline.-1'``) and list selectors
    (``'train_dataloader.dataset.pipeline[type=Resize].scale'``); the path returned has
    plain positions (a selector becomes the index of the element it picks).

    Raises:
        ConfigKeyError: A segment is empty, missing (with close names), or indexes into a
            value that has no keys; the message names the key path.
        SelectorError: A selector picks no element or several.
    """
    outside = _SELECTOR.sub("", key.lstrip("~"))  # what is left of the selectors
    if "" in outside.split("."):
        raise ConfigKeyError(f"{key!r} has an empty segment (two dots, or a dot at an end)")
    path: list[Any] = []
    node = tree
    for part in split_key(key):
        here = dotted(tuple(path)) or "the config"
        selector = parse_selector(part)
        if isinstance(node, (list, tuple)):
            if selector is not None and selector.action == "edit":
                index = _find(selector, list(node), tuple(path), None)
            else:
                index = list_index(part, node, (*path, part))
            path.append(index)
            node = node[index]
        elif isinstance(node, dict) and selector is None:
            found = part if part in node else int(part) if is_index(part) else part
            if found not in node:
                close = did_you_mean(part, [k for k in node if isinstance(k, str)])
                hint = f". {close}" if close else ""
                raise ConfigKeyError(f"{here} has no key {part!r}{hint}", key=key)
            path.append(found)
            node = dict.__getitem__(node, found)
        else:
            if selector is not None:
                message = f"{here} is not a list, so the selector {part} picks nothing from it"
            else:
                name = type(node).__name__
                article = "an" if name[:1] in "aeiou" else "a"
                message = f"{here} is {article} {name} ({node!r:.40}), which has no key {part!r}"
            raise ConfigKeyError(message, key=key)
    return tuple(path)


def is_selector_dict(value: object) -> bool:
    """Whether ``value`` is a dict of selector keys only (so it edits a list)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(parse_selector(key) is not None for key in value)
    )


def apply_selectors(
    edits: ConfigTree,
    base: Sequence[object],
    merge: Callable[[ConfigTree, object, KeyPath], object],
    path: KeyPath,
    filename: Optional[str] = None,
) -> tuple[list[object], dict[int, object], dict[int, str]]:
    """Apply a dict of selector keys to ``base`` (not modified).

    Args:
        edits: Selector keys to values, applied in order.
        base: The list written over.
        merge: ``merge(child, element, path)``, how a dict merges into an element.
        path: The key path of the list, for errors.
        filename: The file that writes the edits, for errors.

    Returns:
        The new list, and what each edit wrote by its index in the new list (what provenance
        credits to the edit; after an insertion or a removal, every element, since the ones
        that moved can no longer be traced to the base), and the selector key that edited
        each index (none after an insertion or a removal).

    Raises:
        SelectorError: A selector matches no element or several (the message names the key
            path, the selector and the elements' types), or the list holds non-dicts.
    """
    result = list(base)
    written: dict[int, object] = {}
    keys: dict[int, str] = {}  # the selector that wrote each index, for its line in the file
    moved = False  # an insertion or a removal: later elements are no longer where they were
    for key, value in dict.items(edits):
        selector = parse_selector(key)
        assert selector is not None  # is_selector_dict checked every key
        if selector.action == "append":
            result.append(value)
            written[len(result) - 1] = value
            keys[len(result) - 1] = key
            continue
        index = _find(selector, result, path, filename)
        if selector.action == "remove":
            moved = True
            del result[index]
            written = {i - (i > index): v for i, v in written.items() if i != index}
        elif selector.action in ("before", "after"):
            moved = True
            at = index if selector.action == "before" else index + 1
            result.insert(at, value)
            written = {i + (i >= at): v for i, v in written.items()}
            written[at] = value
        else:
            if isinstance(value, dict) and not value.get(DELETE_KEY):
                result[index] = merge(value, result[index], (*path, index))
            else:
                if isinstance(value, dict):
                    value = {k: v for k, v in value.items() if k != DELETE_KEY}
                result[index] = value
            written[index] = value
            keys[index] = key
    if moved:
        # Provenance cannot follow elements that moved: credit the whole new list to the edit.
        return result, dict(enumerate(result)), {}
    return result, written, keys


def _find(
    selector: Selector, elements: list[object], path: KeyPath, filename: Optional[str]
) -> int:
    where = f"{dotted(path)}{selector.text.lstrip('~').split(':')[0]}"
    if not all(isinstance(element, dict) for element in elements):
        kinds = sorted({type(e).__name__ for e in elements if not isinstance(e, dict)})
        raise SelectorError(
            f"{where}: a selector picks a dict from a list of dicts, but {dotted(path)} holds "
            f"{', '.join(kinds)} values",
            filename=filename,
            key=dotted(path),
        )
    found = [index for index, element in enumerate(elements) if selector.matches(element)]
    if len(found) == 1:
        return found[0]
    types = [str(dict.get(e, TYPE_KEY, "?")) for e in elements if isinstance(e, dict)]  # all
    listing = ", ".join(f"{i}: {t}" for i, t in enumerate(types)) or "none"
    if found:
        message = (
            f"{where} matches {len(found)} elements ({', '.join(map(str, found))}); add a "
            f"field to tell them apart. The elements' types: {listing}"
        )
    else:
        message = f"{where} matches no element of {dotted(path)}. The elements' types: {listing}"
        wanted = dict(selector.fields).get(TYPE_KEY)
        if isinstance(wanted, str):
            hint = did_you_mean(wanted, list(dict.fromkeys(t for t in types if t != "?")))
            if hint:
                message = f"{message}. {hint}"
    raise SelectorError(message, filename=filename, key=dotted(path))


def credited(tree: ConfigTree, selected: Selected) -> ConfigTree:
    """``tree`` (a child or options, as merged) with each selector dict replaced by what it
    wrote, keyed by index in the new list, so that provenance credits the edit to
    ``train_pipeline.2.scale``. Only the containers along those paths are copied."""
    node: Any = tree  # a dict stays a dict: the paths below it are never empty
    for path, written, _ in reversed(selected):  # outer selections first: inner paths use them
        node = _credit(node, path, written)
    result: ConfigTree = node
    return result


def aliases(selected: Selected) -> tuple[tuple[KeyPath, KeyPath], ...]:
    """Index paths to the selector paths that wrote them (``('p', 1)`` -> ``('p', '[type=R]')``),
    so that the line of the selector in the file is found."""
    return tuple(
        ((*path, index), (*path, key)) for path, _, keys in selected for index, key in keys.items()
    )


def _credit(node: object, path: KeyPath, written: dict[int, object]) -> object:
    if not path:
        return dict(written)
    key = path[0]
    if not isinstance(node, dict) or key not in node:
        return node
    return {**node, key: _credit(dict.__getitem__(node, key), path[1:], written)}
