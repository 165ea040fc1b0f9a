"""The import paths and names that code written for mmengine relies on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cfgkit
import cfgkit.config
from cfgkit import errors


def test_top_level_exports_config_classes():
    assert cfgkit.Config is cfgkit.config.Config
    assert cfgkit.ConfigDict is cfgkit.config.ConfigDict
    assert {"Config", "ConfigDict"} <= set(cfgkit.__all__)


def test_every_error_is_a_cfgkit_error():
    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type):
            assert issubclass(value, errors.CfgkitError), name


def test_import_does_not_load_heavy_modules():
    # Heavy or optional (yapf, yaml, torch, ...), or only needed on some paths, and costly
    # enough to matter for the 40 ms import budget (argparse, inspect, logging, typing, re).
    heavy = (
        "yapf",
        "yaml",
        "torch",
        "rich",
        "mmengine",
        "argparse",
        "inspect",
        "logging",
        "typing",
        "re",  # and enum with it: patterns are compiled on first use
        "threading",  # the locks are _thread's
        "ast",
        "datetime",
        "json",
    )
    # Modules the interpreter loaded before (site, .pth files of other packages) do not count.
    code = (
        "import sys; before = set(sys.modules); import cfgkit; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules and m not in before))"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    # On failure, show the import chain (-X importtime lists each module after its imports).
    assert result.stdout.strip() == "[]", result.stderr


def test_dict_action_loads_on_first_use():
    from cfgkit.config._merge.overrides import DictAction

    assert cfgkit.DictAction is DictAction
    assert cfgkit.config.DictAction is DictAction
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        cfgkit.nope
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        cfgkit.config.nope


def test_registry_exports():
    import cfgkit.registry

    assert cfgkit.Registry is cfgkit.registry.Registry
    assert cfgkit.build_from_cfg is cfgkit.registry.build_from_cfg
    assert cfgkit.DefaultScope is cfgkit.registry.DefaultScope


def test_a_lazy_pattern_is_the_compiled_pattern_once_used():
    import re

    from cfgkit._lazy_modules import lazy_pattern

    pattern = lazy_pattern(r"(?m)^(\w+) = (\d+)$")
    text = "a = 1\nb = 22\n"
    assert pattern.findall(text) == re.findall(r"(?m)^(\w+) = (\d+)$", text)
    assert pattern.sub(r"\1", text) == "a\nb\n"
    assert pattern.pattern == r"(?m)^(\w+) = (\d+)$"
    assert pattern.flags & re.MULTILINE
    assert pattern.search("x = y") is None


def test_import_compiles_no_pattern_and_starts_no_thread_module():
    # Without `site` (whose .pth files, such as an editable install's, import `re`), so that
    # what cfgkit itself imports shows.
    import addict

    paths = [str(Path(__file__).parents[1]), str(Path(addict.__file__).parents[1])]
    code = (
        f"import sys; sys.path[:0] = {paths!r}; import cfgkit, cfgkit.config, cfgkit.registry; "
        "print(sorted(m for m in ('re', 'enum', 'threading', 'ast') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stderr


PINNED = Path(__file__).parent / "data" / "public_api.txt"


def public_modules() -> list[str]:
    """Every module of cfgkit whose dotted path has no part that starts with ``_``."""
    package = Path(cfgkit.__file__).parent
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not any(part.startswith("_") for part in parts):
            names.append(".".join(parts))
    return names


def public_names() -> list[str]:
    import importlib

    rows = []
    for name in public_modules():
        module = importlib.import_module(name)
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{name} is public and has no __all__"
        rows.extend(f"{name}: {item}" for item in sorted(exported))
    return rows


def test_the_public_api_is_what_is_pinned():
    # A change here is a decision: update tests/data/public_api.txt with it, in the same
    # commit (`python -c "from tests.test_public_api import public_names;
    # print(*public_names(), sep=chr(10))" > tests/data/public_api.txt`).
    pinned = PINNED.read_text(encoding="utf-8").splitlines()
    now = public_names()
    assert sorted(set(now) - set(pinned)) == [], "added to the public API"
    assert sorted(set(pinned) - set(now)) == [], "removed from the public API"


def test_every_public_name_exists():
    import importlib

    for row in public_names():
        module, _, name = row.partition(": ")
        assert hasattr(importlib.import_module(module), name), row


def test_import_leaves_what_a_load_may_never_need_to_first_use():
    # Text out, stale copies, provenance's replay, custom_imports, rebase, the safe
    # interpreter, the checker and the index are imported where they are first used.
    lazy = (
        "cfgkit.config._output.formatting",
        "cfgkit.config._analysis.references",
        "cfgkit.config._analysis.provenance",
        "cfgkit.config._load.custom_imports",
        "cfgkit.config._load.safe_python",
        "cfgkit.config._rebase",
        "cfgkit.checking",
        "cfgkit.index",
        "cfgkit.registry._doctor",
    )
    code = f"import sys, cfgkit; print(sorted(m for m in {lazy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
