"""Count the annotated parameters and returns of ``cfgkit/`` that mention ``Any``.

The typing budget (issue 25) is "``Any`` in at most 10% of parameters and returns"; this script
is the measure, read from the source with ``ast`` (nothing is imported). What counts:

- Every annotated parameter of every ``def`` (methods and nested functions included; ``*args``
  and ``**kwargs`` too), and every ``def`` with a return annotation. Unannotated ``self`` and
  ``cls`` are not counted.
- An annotation *mentions* ``Any`` when ``Any`` appears anywhere in it: bare, ``typing.Any``,
  nested in a generic (``Dict[str, Any]``, ``Callable[..., Any]``), or inside a string
  annotation (``"Any"``).
- An alias counts as what it stands for: ``KeyPath = Tuple[Any, ...]`` makes every
  ``KeyPath`` annotation mention ``Any``, as does an alias of an alias, one imported from
  another module (``from cfgkit._key_paths import KeyPath``), ``from typing import Any as A``,
  and a ``TypeVar`` bound to (or constrained by) something that mentions ``Any``. Otherwise
  renaming ``Any`` would meet the budget without saying anything more.
- ``object`` does not count: it is the honest type of an opaque value (it forces narrowing).

Usage: python benchmarks/count_any.py [--root cfgkit] [--modules a.py b/c.py ...] [--sort any]
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANY_NAMES = {"Any"}
TYPING_MODULES = {"typing", "typing_extensions"}


@dataclass
class Figures:
    """Annotated parameters and returns of one module (or a total), and how many mention Any."""

    params: int = 0
    params_any: int = 0
    returns: int = 0
    returns_any: int = 0

    def add(self, other: Figures) -> None:
        self.params += other.params
        self.params_any += other.params_any
        self.returns += other.returns
        self.returns_any += other.returns_any

    @property
    def share(self) -> float:
        """The share of parameters and returns together that mention Any (0 when none)."""
        total = self.params + self.returns
        return (self.params_any + self.returns_any) / total if total else 0.0


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module: str, level: int, current: str, is_package: bool) -> str:
    """The module a ``from ... import`` names, relative imports resolved against ``current``."""
    if not level:
        return module
    base = current.split(".")
    base = base[: len(base) - level + (1 if is_package else 0)]
    return ".".join([*base, module] if module else base)


def _is_literal(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Literal") or (
        isinstance(node, ast.Attribute) and node.attr == "Literal"
    )


class _Module:
    """One module's tree and what its module-level names stand for in annotations."""

    def __init__(self, name: str, path: Path, tree: ast.Module) -> None:
        self.name = name
        self.path = path
        self.tree = tree
        self.aliases: dict[str, ast.expr] = {}  # name -> the type expression it stands for
        self.imports: dict[str, tuple[str, str]] = {}  # local name -> (module, name)
        self.module_imports: dict[str, str] = {}  # local name -> module (`import a.b as c`)
        self._collect(tree.body, is_package=path.name == "__init__.py")

    def _collect(self, body: list[ast.stmt], is_package: bool) -> None:
        for statement in body:
            if isinstance(statement, (ast.If, ast.Try)):  # TYPE_CHECKING blocks, fallbacks
                self._collect(statement.body + statement.orelse, is_package)
            elif isinstance(statement, ast.Import):
                for alias in statement.names:
                    if alias.asname:
                        self.module_imports[alias.asname] = alias.name
            elif isinstance(statement, ast.ImportFrom):
                module = _absolute(statement.module or "", statement.level, self.name, is_package)
                for alias in statement.names:
                    self.imports[alias.asname or alias.name] = (module, alias.name)
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    self.aliases[target.id] = statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                if isinstance(statement.target, ast.Name):
                    self.aliases[statement.target.id] = statement.value
            elif sys.version_info >= (3, 12) and isinstance(statement, ast.TypeAlias):
                self.aliases[statement.name.id] = statement.value  # `type X = ...`


class Counter:
    """The modules of a package, and whether an annotation in one of them mentions Any."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: dict[str, _Module] = {}
        for path in sorted(root.rglob("*.py")):
            name = _module_name(path, root)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            self.modules[name] = _Module(name, path, tree)
        self._resolved: dict[tuple[str, str], bool] = {}

    def name_is_any(self, module: str, name: str) -> bool:
        """Whether ``name`` in ``module`` is ``Any`` or an alias (of an alias ...) mentioning it."""
        key = (module, name)
        if key not in self._resolved:
            self._resolved[key] = False  # a cycle of aliases mentions nothing
            self._resolved[key] = self._name_is_any(module, name)
        return self._resolved[key]

    def _name_is_any(self, module: str, name: str) -> bool:
        found = self.modules.get(module)
        if found is None:  # the standard library or a third party: only typing's Any
            return module in TYPING_MODULES and name in ANY_NAMES
        if name in found.aliases:
            return self.mentions_any(found.aliases[name], module)
        if name in found.imports:
            source, original = found.imports[name]
            return self.name_is_any(source, original)
        return name in ANY_NAMES

    def _module_named(self, node: ast.expr, module: str) -> str | None:
        """The module a name stands for in ``module`` (``from cfgkit import contracts``)."""
        if not isinstance(node, ast.Name) or module not in self.modules:
            return None
        found = self.modules[module]
        if node.id in found.imports:
            return ".".join(found.imports[node.id])
        return found.module_imports.get(node.id)

    def mentions_any(self, annotation: ast.expr, module: str) -> bool:
        """Whether the annotation (or alias value) mentions Any, directly or through aliases."""
        if isinstance(annotation, ast.Name):
            return self.name_is_any(module, annotation.id)
        if isinstance(annotation, ast.Attribute):  # typing.Any, contracts.KeyPath
            owner = self._module_named(annotation.value, module)
            if owner is not None and owner in self.modules:
                return self.name_is_any(owner, annotation.attr)
            return annotation.attr in ANY_NAMES
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                parsed = ast.parse(annotation.value.strip(), mode="eval").body
            except SyntaxError:
                return False  # a string that is not a type (a TypeVar's name)
            return not isinstance(parsed, ast.Constant) and self.mentions_any(parsed, module)
        if isinstance(annotation, ast.Subscript) and _is_literal(annotation.value):
            return False  # Literal["Any"] holds values, not types
        children = [
            child.value if isinstance(child, ast.keyword) else child  # TypeVar(bound=...)
            for child in ast.iter_child_nodes(annotation)
        ]
        return any(
            isinstance(child, ast.expr) and self.mentions_any(child, module) for child in children
        )

    def figures(self, module: str) -> Figures:
        """Annotated parameters and returns of one module, and how many mention Any."""
        figures = Figures()
        for node in ast.walk(self.modules[module].tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
            for argument in every:
                if argument.annotation is not None:
                    figures.params += 1
                    figures.params_any += self.mentions_any(argument.annotation, module)
            if node.returns is not None:
                figures.returns += 1
                figures.returns_any += self.mentions_any(node.returns, module)
        return figures


def count_any(root: Path = ROOT / "cfgkit") -> dict[str, Figures]:
    """Figures per module (by its path relative to ``root``, ``registry/build.py``).

    Args:
        root: The package folder to read.

    Returns:
        A dict from each module's path (``/``-separated, relative to ``root``) to its figures,
        in path order.
    """
    counter = Counter(root)
    return {
        module.path.relative_to(root).as_posix(): counter.figures(name)
        for name, module in sorted(counter.modules.items(), key=lambda item: item[1].path)
    }


def total(figures: dict[str, Figures]) -> Figures:
    """The figures of several modules added up."""
    summed = Figures()
    for one in figures.values():
        summed.add(one)
    return summed


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def table(figures: dict[str, Figures]) -> str:
    """The figures as a text table, one row per module and a total row."""
    width = max([len("total"), *(len(name) for name in figures)])
    header = (
        f"{'module':<{width}}  {'params':>6} {'Any':>5} {'share':>6}  "
        f"{'returns':>7} {'Any':>5} {'share':>6}"
    )
    lines = [header, "-" * len(header)]
    rows = [*figures.items(), ("total", total(figures))]
    for index, (name, one) in enumerate(rows):
        if index == len(rows) - 1:
            lines.append("-" * len(header))
        lines.append(
            f"{name:<{width}}  {one.params:>6} {one.params_any:>5} "
            f"{_percent(one.params_any, one.params):>6}  {one.returns:>7} {one.returns_any:>5} "
            f"{_percent(one.returns_any, one.returns):>6}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT / "cfgkit", help="package folder")
    parser.add_argument(
        "--modules",
        nargs="+",
        metavar="PATH",
        help="only these modules (relative to the root; a folder ending in / takes all in it)",
    )
    parser.add_argument(
        "--sort", choices=("path", "any"), default="path", help="row order (any: most Any first)"
    )
    arguments = parser.parse_args(argv)
    figures = count_any(arguments.root)
    if arguments.modules:
        wanted = arguments.modules
        figures = {
            name: one
            for name, one in figures.items()
            if any(name == w or (w.endswith("/") and name.startswith(w)) for w in wanted)
        }
    if arguments.sort == "any":
        figures = dict(
            sorted(figures.items(), key=lambda item: -(item[1].params_any + item[1].returns_any))
        )
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
