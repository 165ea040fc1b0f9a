"""The import rules of docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
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
        ("cfgkit.keys", set()),
        ("cfgkit.records", set()),
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


def test_every_module_is_on_the_map():
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in MODULES:
        relative = path.relative_to(PACKAGE).as_posix()
        if path.name in ("__init__.py", "__main__.py") and relative.count("/") <= 1:
            continue
        if path.parent.name == "mmcv":
            relative = "mmcv/"
        assert f"`{relative}`" in text, f"{relative} is missing from docs/architecture.md"
