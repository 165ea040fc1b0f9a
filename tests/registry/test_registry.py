"""Registry: registration, lookup through scopes, locations, and the errors they raise."""

from __future__ import annotations

import functools
import os
import sys
import threading

import pytest

from cfgkit import errors
from cfgkit.registry import MODELS, Registry, import_object


def test_register_as_decorator_call_and_aliases():
    registry = Registry("thing", scope="t")

    @registry.register_module()
    class A:
        pass

    @registry.register_module(name=["B", "Bee"])
    def make_b():
        return "b"

    assert registry.register_module(name="C", module=len) is len
    assert registry.get("A") is A
    assert registry.get("B") is registry.get("Bee") is make_b
    assert registry.get("C") is len
    assert len(registry) == 4
    assert "A" in registry
    assert "Nope" not in registry


def test_register_callables_and_partials():
    registry = Registry("thing", scope="t")
    registry.register_module(name="p", module=functools.partial(dict, a=1))
    assert registry.build({"type": "p"}) == {"a": 1}
    with pytest.raises(errors.UnnamedModuleError, match="register it with a name"):
        registry.register_module(module=functools.partial(dict))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"force": 1}, r"force must be a boolean, but got <class 'int'>", id="force"),
        pytest.param({"name": 3}, r"name must be None, an instance of str", id="name-int"),
        pytest.param({"name": ["a", 2]}, r"name must be None", id="name-mixed-list"),
        pytest.param({"name": dict}, r"name must be None", id="old-mmcv-api"),
        pytest.param({"module": 5}, r"module must be Callable, but got <class 'int'>", id="module"),
    ],
)
def test_register_argument_errors(kwargs, message):
    with pytest.raises(errors.RegistryTypeError, match=message) as caught:
        Registry("thing", scope="t").register_module(**kwargs)
    assert isinstance(caught.value, TypeError)


def test_duplicate_registration_names_where_the_first_is_defined():
    registry = Registry("thing", scope="t")

    @registry.register_module()
    class A:
        pass

    with pytest.raises(errors.AlreadyRegisteredError) as caught:
        registry.register_module(name="A", module=dict)
    message = str(caught.value)
    assert message.startswith("A is already registered in thing at ")
    assert f"{__file__}:" in message  # the file and line of the first A
    assert "force=True" in message
    assert isinstance(caught.value, KeyError)
    registry.register_module(name="A", module=dict, force=True)
    assert registry.get("A") is dict


def test_aliases_register_all_or_nothing():
    registry = Registry("thing", scope="t")
    registry.register_module(name="B", module=dict)
    with pytest.raises(errors.AlreadyRegisteredError):
        registry.register_module(name=["A", "B"], module=list)
    assert "A" not in registry.module_dict


def test_scope_is_inferred_from_the_calling_module():
    assert Registry("thing").scope == __name__.split(".")[0]
    assert MODELS.scope == "mmengine"


def test_constructor_argument_errors():
    with pytest.raises(errors.RegistryArgumentError):
        Registry("thing", scope=1)
    with pytest.raises(errors.RegistryArgumentError) as caught:
        Registry("thing", parent="root", scope="x")
    assert isinstance(caught.value, AssertionError)
    parent = Registry("p", scope="p")
    Registry("c", parent=parent, scope="c")
    with pytest.raises(errors.DuplicateScopeError, match="scope c exists in p registry"):
        Registry("c2", parent=parent, scope="c")


def test_build_func_comes_from_argument_then_parent():
    def custom(cfg, registry):
        return ("custom", cfg["type"])

    parent = Registry("p", build_func=custom, scope="p")
    child = Registry("c", parent=parent, scope="c")
    assert child.build({"type": "x"}) == ("custom", "x")
    assert MODELS.build_func.__name__ == "build_model_from_cfg"


def test_lookup_through_parents_children_and_siblings(tree):
    root, ca, cb = tree
    assert ca.get("RootNet") is root.get("RootNet")  # parent searched without a scope
    assert ca.get("ca.RootNet") is None  # own scope: no parent fallback
    assert root.get("ca.ANet") is ca.get("ANet")  # a child by scope
    assert ca.get("cb.BNet") is cb.get("BNet")  # a sibling through the root
    assert ca.get("root.RootNet") is root.get("RootNet")
    assert root.get("ANet") is None  # children are not searched without a scope
    assert root.children == {"ca": ca, "cb": cb}
    assert ca.root is root
    assert ca.split_scope_key("a.b.c") == ("a", "b.c")
    assert ca.split_scope_key("abc") == (None, "abc")


def test_grandchildren_are_not_reached_by_scope_from_the_root(tree):
    root, ca, _ = tree
    grand = Registry("model", parent=ca, scope="ga")
    grand.register_module(name="G", module=dict)
    assert root.get("ga.G") is None
    assert ca.get("ga.G") is dict


def test_dotted_keys_that_are_not_registered_are_imported():
    registry = Registry("thing", scope="t")
    assert registry.get("os.path.join") is os.path.join
    assert registry.get("json") is sys.modules["json"]
    assert registry.get("no_such_module_xyz.Thing") is None
    assert registry.get("os.path.no_such_function") is None
    with pytest.raises(errors.RegistryLookupError, match="Failed to get "):
        import_object("")


def test_get_needs_a_string():
    with pytest.raises(errors.RegistryTypeError, match="must be a str, got <class 'int'>"):
        Registry("thing", scope="t").get(1)


def test_locations_are_imported_on_first_lookup(tmp_path, monkeypatch):
    package = tmp_path / "lazy_models_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "nets.py").write_text(
        "from tests.registry.test_registry import LAZY\n"
        "@LAZY.register_module()\n"
        "class LazyNet:\n"
        "    pass\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        assert "lazy_models_pkg.nets" not in sys.modules
        assert LAZY.get("LazyNet").__name__ == "LazyNet"
        assert "lazy_models_pkg.nets" in sys.modules
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("lazy_models_pkg.nets", None)
        sys.modules.pop("lazy_models_pkg", None)


LAZY = Registry("lazy", scope="lazytest", locations=["lazy_models_pkg.nets"])


def test_repr_is_a_plain_text_table(tree):
    root, _, _ = tree
    text = repr(root)
    assert text.splitlines()[0] == "Registry of model (scope: root)"
    assert "| Names   | Objects" in text
    assert "| RootNet | <class " in text


def test_registering_and_building_from_eight_threads():
    registry = Registry("thing", scope="threads")
    barrier = threading.Barrier(8)
    failures = []
    refused = []

    def work(index):
        try:
            barrier.wait()
            for step in range(50):
                name = f"T{index}_{step}"
                registry.register_module(name=name, module=dict)
                built = registry.build({"type": name, "index": index, "step": step})
                assert built == {"index": index, "step": step}
            # Everyone registers the same name: exactly one wins, the others are refused.
            try:
                registry.register_module(name="Shared", module=list)
            except errors.AlreadyRegisteredError as error:
                refused.append(error)
        except Exception as error:  # collected for the assertion below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(refused) == 7
    assert len(registry) == 8 * 50 + 1


def test_ancestors_locations_are_imported_before_they_are_searched(tmp_path):
    package = tmp_path / "parent_layers_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "layers.py").write_text(
        "from tests.registry.test_registry import PARENT\n"
        "PARENT.register_module(name='ParentLayer', module=dict)\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        assert CHILD.get("ParentLayer") is dict
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("parent_layers_pkg.layers", None)
        sys.modules.pop("parent_layers_pkg", None)


PARENT = Registry("layer", scope="parent_scope", locations=["parent_layers_pkg.layers"])
CHILD = Registry("layer", parent=PARENT, scope="child_scope")


def test_scope_falls_back_to_mmengine_with_a_warning_when_no_module_is_known():
    namespace = {"Registry": Registry}
    with pytest.warns(UserWarning, match='set scope as "mmengine"'):
        exec("registry = Registry('thing')", namespace)
    assert namespace["registry"].scope == "mmengine"


def test_check_finds_a_type_exactly_where_build_does():
    # A three-level tree: 'b0.Net' names a grandchild of the root, which mmengine's get (and
    # so build) does not reach from a sibling; check must not accept it either.
    from cfgkit import Config, check

    root = Registry("model", scope="lookup_root")
    a0 = Registry("model", parent=root, scope="lookup_a0")
    b0 = Registry("model", parent=Registry("model", parent=root, scope="lookup_mid"), scope="b0")

    @b0.register_module()
    class Net:
        pass

    cfg = Config(dict(model=dict(type="b0.Net")))
    with pytest.raises(errors.NotRegisteredError, match=r"b0\.Net is not in the lookup_a0::model"):
        a0.build(cfg.model)
    assert a0.lookup("b0.Net") is None
    problems = check(cfg, registries=[a0])
    assert [p.severity for p in problems] == ["error"]
    assert problems[0].key == "model.type"
    assert b0.lookup("Net") is Net
    assert b0.build(cfg.model).__class__ is Net


def test_lookup_never_imports_a_dotted_key():
    registry = Registry("model", scope="no_imports")
    sys.modules.pop("json.tool", None)
    assert registry.lookup("json.tool.main") is None
    assert "json.tool" not in sys.modules
    assert registry.get("json.tool.main") is not None


def test_walk_yields_the_tree_parents_first():
    root = Registry("model", scope="walk_root")
    first = Registry("model", parent=root, scope="walk_a")
    inner = Registry("model", parent=first, scope="walk_a1")
    second = Registry("model", parent=root, scope="walk_b")
    assert list(root.walk()) == [root, first, inner, second]
    assert list(first.walk()) == [first, inner]
