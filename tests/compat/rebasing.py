"""What the rebase corpus test and benchmark share: which configs are children, how many
leaf values a child sets, and comparing loaded configs exactly."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator

from cfgkit import Config
from cfgkit.config._load.pure_python import is_pure_python


def children(configs: Path) -> list[Path]:
    """Every classic ``.py`` config under ``configs`` whose file assigns ``_base_``."""
    found = []
    for path in sorted(configs.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "_base_" not in text or is_pure_python(text, str(path)):
            continue
        if any(line.startswith("_base_") for line in text.splitlines()):
            found.append(path)
    return found


def leaves(tree: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every leaf path: dicts descended into, and lists and tuples that hold dicts."""
    if isinstance(tree, dict) and tree:
        for key, value in tree.items():
            yield from leaves(value, (*path, key))
    elif isinstance(tree, (list, tuple)) and any(isinstance(v, dict) for v in tree):
        for index, value in enumerate(tree):
            yield from leaves(value, (*path, index))
    else:
        yield path


def own_leaves(path: str) -> int:
    """How many leaves of the loaded config the file itself sets (any record of the leaf's
    provenance is the file's)."""
    cfg = Config.fromfile(path, import_custom_modules=False, lazy_import=False)
    real = os.path.abspath(path)
    return sum(
        any(record.filename == real for record in cfg.provenance(leaf))
        for leaf in leaves(cfg.to_dict())
    )


def same(first: Any, second: Any) -> bool:
    """Equal as ``to_dict()`` results: keys in any order, types exact, NaN equal to NaN."""
    if isinstance(first, dict) and isinstance(second, dict):
        return first.keys() == second.keys() and all(same(first[k], second[k]) for k in first)
    if type(first) is not type(second):
        return False
    if isinstance(first, (list, tuple)):
        return len(first) == len(second) and all(map(same, first, second))
    return bool(first == second) or (first != first and second != second)


def quiet_load(load: Callable[..., Any], path: Any) -> Any:
    """``load(path).to_dict()`` without importing and without warnings, or the error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return load(str(path), import_custom_modules=False, lazy_import=False).to_dict()
        except Exception as error:
            return error


def own_bases(path: Path) -> list[str]:
    """The config's ``_base_`` entries, local ones as paths from the current directory."""
    import ast

    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "_base_":
            entries = ast.literal_eval(node.value)
            break
    else:
        return []
    entries = [entries] if isinstance(entries, str) else list(entries)
    return [e if "::" in e else str(path.parent / e) for e in entries]


_MUTATING = frozenset({"append", "extend", "insert", "pop", "remove", "update", "setdefault"})


def edits_bases_in_place(text: str) -> bool:
    """Whether a Python config changes its bases in place (``_base_.x.y = ...``, ``del
    _base_.x``, ``p = _base_.test_pipeline; p[-1]['k'] = ...``, ``_base_.x.update(...)``).
    Provenance credits such a file with only the values that changed, where a child that
    writes the list or value gets all of them."""
    import ast

    module = ast.parse(text)
    roots = {"_base_"}
    for node in module.body:  # names bound to a value read from the bases
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            value = node.value
            while isinstance(value, (ast.Attribute, ast.Subscript)):
                value = value.value
            if isinstance(value, ast.Name) and value.id in roots and value is not node.value:
                roots.add(node.targets[0].id)

    def rooted(node: ast.AST) -> bool:
        if not isinstance(node, (ast.Attribute, ast.Subscript)):
            return False
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return isinstance(node, ast.Name) and node.id in roots

    for node in ast.walk(module):
        if isinstance(node, (ast.Assign, ast.Delete)):
            if any(rooted(target) for target in node.targets):
                return True
        elif (isinstance(node, ast.AugAssign) and rooted(node.target)) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATING
            and (rooted(node.func.value) or getattr(node.func.value, "id", None) in roots)
        ):
            return True
    return False
