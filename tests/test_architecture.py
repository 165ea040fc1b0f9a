"""The import rules of docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "cfgkit"
MODULES = sorted(PACKAGE.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(
        ".__init__"
    )


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_config_and_registry_never_import_each_other(path):
    name = module_name(path)
    imports = imported_modules(path)
    if name.startswith("cfgkit.config"):
        assert not any(m.startswith("cfgkit.registry") for m in imports), imports
    if name.startswith("cfgkit.registry"):
        assert not any(m.startswith("cfgkit.config") for m in imports), imports


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("cfgkit.errors", set()),
        ("cfgkit._keys", set()),
        ("cfgkit._records", set()),
        ("cfgkit.config.lazy", {"cfgkit.errors"}),  # an inert lazy object's refusal
    ],
)
def test_the_foundations_import_nothing_of_cfgkit_above_them(name, allowed):
    path = PACKAGE.parent / (name.replace(".", "/") + ".py")
    assert {m for m in imported_modules(path) if m.startswith("cfgkit")} <= allowed


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_no_module_imports_typing_at_run_time_except_the_checker(path):
    # Type-only imports sit under `TYPE_CHECKING = False`; cfgkit check may use typing.
    if module_name(path).startswith("cfgkit.checking"):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:  # module level, outside `if TYPE_CHECKING:` blocks
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = (
                [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            assert "typing" not in names, f"{module_name(path)} imports typing"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_no_module_writes_temporary_files(path):
    assert "tempfile" not in imported_modules(path)


def map_rows():
    """``{row name: set of import entries}`` from the module table of docs/architecture.md."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0] != "Module":
            listed = set(re.findall(r"`([^`]+)`", cells[2]))
            rows[cells[0].strip("`")] = listed
    return rows


def row_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE).as_posix()
    return "mmcv/" if path.parent.name == "mmcv" else relative


def modules_of(node: ast.AST) -> set[str]:
    """The modules an import statement imports (a name imported from a package that is a
    module of it counts as that module); nothing for any other node."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
        return set()
    found = set()
    for alias in node.names:
        full = f"{node.module}.{alias.name}"
        target = PACKAGE.parent.joinpath(*full.split("."))
        is_module = target.with_suffix(".py").exists() or (target / "__init__.py").exists()
        found.add(full if is_module else node.module)
    return found


def cfgkit_imports(path: Path) -> set[str]:
    """The cfgkit modules ``path`` imports (a name imported from a package that is a module of
    it counts as that module), without ``cfgkit.`` and without the module itself."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        found.update(modules_of(node))
    own = module_name(path)
    # Every module may name the shared types of _contracts (for type checkers only).
    skip = {own, "cfgkit._contracts"} if own != "cfgkit._contracts" else {own}
    return {m.removeprefix("cfgkit.") for m in found if m.startswith("cfgkit.") and m not in skip}


def covers(entry: str, module: str) -> bool:
    if entry.endswith(".*"):
        return module == entry[:-2] or module.startswith(entry[:-1])
    return module == entry


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_every_module_is_on_the_map_with_exactly_its_imports(path):
    rows = map_rows()
    row = row_of(path)
    assert row in rows, f"{row} is missing from docs/architecture.md"
    listed = rows[row] - {"nothing"}
    imported = cfgkit_imports(path)
    if row == "mmcv/":  # one row for the package: what its modules import between them
        imported = set().union(*(cfgkit_imports(p) for p in PACKAGE.joinpath("mmcv").glob("*.py")))
    unlisted = {m for m in imported if not any(covers(e, m) for e in listed)}
    assert not unlisted, f"{row} imports {sorted(unlisted)}, which its row does not list"
    stale = {e for e in listed if not any(covers(e, m) for m in imported)}
    assert not stale, f"{row}'s row lists {sorted(stale)}, which it does not import"


def test_every_row_of_the_map_is_a_module():
    modules = {row_of(path) for path in MODULES}
    assert set(map_rows()) - modules == set()


def room_of(module: str) -> str:
    """The room a module belongs to: a package of cfgkit (``cli``, ``index`` ...), for
    ``cfgkit.config`` a sub-package or module of it (``config._load``, ``config.config``);
    a package's ``__init__`` is its face, a room of its own."""
    parts = module.split(".")
    is_package = PACKAGE.parent.joinpath(*parts, "__init__.py").exists()
    depth = 3 if parts[1:2] == ["config"] else 2
    if is_package and len(parts) < depth + 1:
        return f"{module} (face)" if len(parts) > 1 else "cfgkit (face)"
    return ".".join(parts[:depth])


def run_time_imports(path: Path) -> set[str]:
    """The cfgkit modules ``path`` imports when it runs, at any depth of its code (imports
    inside functions count), leaving out ``if TYPE_CHECKING:`` blocks."""
    found = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            return
        found.update(modules_of(node))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m.startswith("cfgkit.")}


def test_the_rooms_import_each_other_top_down_without_a_cycle():
    # A load, a build and a check walk the code from the faces down: no room (package, or
    # part of cfgkit.config) reaches back into a room that reaches it, not even lazily.
    edges: dict[str, set[str]] = {}
    for path in MODULES:
        room = room_of(module_name(path))
        for target in run_time_imports(path):
            if room_of(target) != room:
                edges.setdefault(room, set()).add(room_of(target))
    cycles = []
    for start in sorted(edges):
        stack = [(start, [start])]
        seen = set()
        while stack:
            room, trail = stack.pop()
            for target in sorted(edges.get(room, ())):
                if target == start:
                    cycles.append(" -> ".join((*trail, start)))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, [*trail, target]))
    assert not cycles, "\n".join(cycles)


def private_exports() -> list[tuple[Path, str]]:
    """(module, name) for every name a private module's ``__all__`` lists."""
    found = []
    for path in MODULES:
        parts = path.relative_to(PACKAGE).parts
        if not any(p.startswith("_") and not p.startswith("__") for p in parts):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = getattr(node, "target", None)
            targets = [target] if target is not None else getattr(node, "targets", [])
            if any(getattr(t, "id", None) == "__all__" for t in targets) and node.value:
                found.extend((path, element.value) for element in node.value.elts)
    return found


def names_used(path: Path) -> set[str]:
    """The names code in ``path`` uses: names, attributes and imported names (not text)."""
    used = set()
    tree = ast.parse(path.read_text("utf-8", "replace"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.alias):
            used.add(node.name.rpartition(".")[2])
    return used


def test_a_private_modules_all_lists_only_what_other_modules_use():
    # A private room's __all__ is its interface to the other rooms (and the tests), not an
    # inventory: a name nothing else uses in code stays a plain module attribute.
    roots = [PACKAGE, PACKAGE.parent / "tests", PACKAGE.parent / "benchmarks"]
    used: dict[Path, set[str]] = {}
    for root in roots:
        for path in root.rglob("*.py"):
            try:
                used[path] = names_used(path)
            except (SyntaxError, ValueError):  # test data that is not Python on purpose (NUL)
                continue
    unused = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path, name in private_exports()
        if not any(name in names for other, names in used.items() if other != path)
    ]
    assert not unused, "\n".join(unused)
