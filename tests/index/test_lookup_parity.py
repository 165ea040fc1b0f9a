"""The static index's lookup answers every question exactly as the run-time registries do.

A small tree of packages (a root scope, a child, a grandchild, a sibling, names shadowed on
the way down) is imported, so its registries are real, and read from source by the index.
The same names, scoped and unscoped, are then looked up from every registry both ways
(``Registry.lookup`` and ``Index.lookup``), and built in every default scope both ways
(``switch_scope_and_registry`` + ``lookup``, and ``Index.find``).
"""

from __future__ import annotations

import importlib
import itertools
import sys

import pytest

from cfgkit.index import Index
from tests.files import write_files

PACKAGES = {
    "rootpkg/__init__.py": "",
    "rootpkg/registry.py": """\
        from cfgkit.registry import Registry

        MODELS = Registry('model', scope='rootpkg')
        """,
    "rootpkg/models.py": """\
        from .registry import MODELS


        @MODELS.register_module()
        class A:
            pass


        @MODELS.register_module()
        class Shared:
            pass
        """,
    "midpkg/__init__.py": "",
    "midpkg/registry.py": """\
        from cfgkit.registry import Registry
        from rootpkg.registry import MODELS as ROOT_MODELS

        MODELS = Registry('model', parent=ROOT_MODELS)
        """,
    "midpkg/models.py": """\
        from midpkg.registry import MODELS


        @MODELS.register_module()
        class B:
            pass


        @MODELS.register_module(name='Shared')
        class MidShared:
            pass
        """,
    "leafpkg/__init__.py": "",
    "leafpkg/registry.py": """\
        from cfgkit.registry import Registry
        from midpkg.registry import MODELS as MID_MODELS

        MODELS = Registry('model', parent=MID_MODELS, scope='leafpkg')
        """,
    "leafpkg/models.py": """\
        from .registry import MODELS


        @MODELS.register_module()
        class C:
            pass
        """,
    "sibpkg/__init__.py": "",
    "sibpkg/registry.py": """\
        from cfgkit.registry import Registry
        from rootpkg.registry import MODELS as ROOT_MODELS

        MODELS = Registry('model', parent=ROOT_MODELS)
        """,
    "sibpkg/models.py": """\
        from .registry import MODELS


        @MODELS.register_module()
        class D:
            pass


        @MODELS.register_module(name='Shared')
        class SibShared:
            pass
        """,
}
SCOPES = ["rootpkg", "midpkg", "leafpkg", "sibpkg"]
NAMES = ["A", "B", "C", "D", "Shared", "Nope"]
PREFIXES = [*SCOPES, "otherpkg", "midpkg.leafpkg", "rootpkg.midpkg"]
KEYS = NAMES + [f"{prefix}.{name}" for prefix, name in itertools.product(PREFIXES, NAMES)]


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parity")
    write_files(folder, PACKAGES)
    sys.path.insert(0, str(folder))
    try:
        registries = {}
        for scope in SCOPES:
            importlib.import_module(f"{scope}.models")
            registries[scope] = importlib.import_module(f"{scope}.registry").MODELS
        index = Index([str(folder)])
        for scope in SCOPES:
            assert index.scan(scope)
        yield registries, index
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m.partition(".")[0] in SCOPES]:
            del sys.modules[name]


def runtime_answer(found):
    return None if found is None else (found.__module__, found.__qualname__)


def static_answer(index, found):
    if found is None:
        return None
    answers = set()
    for registration in found:
        module, expression = registration.target
        where, name, _ = index.definition(module, expression)
        answers.add((where, name))
    assert len(answers) == 1, found  # each name is registered once in these sources
    return answers.pop()


def test_the_index_sees_the_same_registry_tree(tree):
    registries, index = tree
    index.resolve()
    static = {f"{k.partition(':')[0].partition('.')[0]}": r for k, r in index.registries.items()}
    for scope, registry in registries.items():
        assert static[scope].scope == registry.scope
        parent = static[scope].parent
        expected = registry.parent.scope if registry.parent is not None else None
        assert (parent.partition(".")[0] if parent else None) == expected


@pytest.mark.parametrize("start", SCOPES)
def test_lookup_from_each_registry_finds_what_the_registry_finds(tree, start):
    registries, index = tree
    registry = registries[start]
    key = f"{start}.registry:MODELS"
    answers = {
        name: (
            runtime_answer(registry.lookup(name, import_scopes=False)),
            static_answer(index, index.lookup(name, key, scan_scopes=False)),
        )
        for name in KEYS
    }
    differ = {name: pair for name, pair in answers.items() if pair[0] != pair[1]}
    assert differ == {}
    # The questions reach every rule: found here, in an ancestor, through a child, through
    # the root, and not at all.
    assert sum(runtime is not None for runtime, _ in answers.values()) >= 8
    assert sum(runtime is None for runtime, _ in answers.values()) >= 8


@pytest.mark.parametrize("scope", [*SCOPES, None])
def test_a_build_in_a_scope_finds_what_the_runtime_build_finds(tree, scope):
    registries, index = tree
    root = registries["rootpkg"]
    for name in KEYS:
        with root.switch_scope_and_registry(scope) as registry:
            runtime = runtime_answer(registry.lookup(name, import_scopes=False))
        static = index.find(name, scope, scan_scopes=False)
        if scope is None:
            # Without a default scope a build starts at whichever registry it is called on:
            # the index answers for all of them at once, the root's answer among them.
            assert runtime is None or runtime in {static_answer(index, [r]) for r in static}
        else:
            assert runtime == static_answer(index, static), name


def test_shadowed_names_are_found_in_the_nearest_registry(tree):
    _, index = tree
    found = index.lookup("Shared", "leafpkg.registry:MODELS")
    assert static_answer(index, found) == ("midpkg.models", "MidShared")
    found = index.lookup("Shared", "sibpkg.registry:MODELS")
    assert static_answer(index, found) == ("sibpkg.models", "SibShared")
