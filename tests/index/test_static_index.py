"""The static index: registries, registrations and constructors read from source."""

from __future__ import annotations

import os

import pytest

from cfgkit import Config, check
from cfgkit.checking import static_index
from cfgkit.errors import PackageNotFoundError
from cfgkit.index import Index
from cfgkit.index import _packages as packages
from cfgkit.index._summary import FORMAT
from tests.files import write_files
from tests.index.projects import BASEPKG, CHILDPKG, REGISTRY, registered_class


@pytest.fixture
def source(tmp_path):
    write_files(tmp_path, {**BASEPKG, **CHILDPKG})
    return tmp_path


def index_of(source, *names):
    index = Index([str(source)])
    for name in names:
        index.scan_with_requirements(name)
    index.scan_parents()
    index.resolve()
    return index


def registered(index, key):
    return sorted(index.registrations.get(key, {}))


def parameters(index, key, name):
    (registration,) = index.registrations[key][name]
    return index.parameters(registration)


def test_registries_get_their_scope_from_their_package_and_their_parent_across_packages(source):
    index = index_of(source, "childpkg")
    assert sorted(index.packages) == ["basepkg", "childpkg"]  # the parent's package too
    child = index.registries["childpkg.registry:MODELS"]
    assert (child.name, child.scope, child.parent) == (
        "model",
        "childpkg",
        "basepkg.registry.root:MODELS",
    )
    assert index.registries["basepkg.registry.root:MODELS"].scope == "basepkg"
    # BACKBONES = MODELS is the same registry, not another one.
    assert "childpkg.registry:BACKBONES" not in index.registries


def test_every_form_of_registration_is_found(source):
    index = index_of(source, "childpkg")
    assert registered(index, "basepkg.registry.root:MODELS") == ["BN", "GELU", "Plain", "ReLU"]
    assert registered(index, "childpkg.registry:MODELS") == [
        "Detector",
        "Diamond",
        "FocalLoss",  # a name given to the decorator
        "Head",
        "Inherits",
        "ResNet",  # a list of names, through an alias of the registry
        "ResNetV1",
        "Torchy",
        "Upsample",  # a helper called with the class, one call deep
        "Wrapped",  # the same helper as a decorator
        "vision/Crop",
        "vision/Flip",
    ]
    assert registered(index, "basepkg.registry.root:HOOKS") == ["CheckpointHook"]


def test_names_known_only_at_run_time_are_recorded_with_their_prefix(source):
    index = index_of(source, "childpkg")
    optimizers = index.runtime_registrations("basepkg.registry.root:OPTIMIZERS")
    assert [(prefix, module) for prefix, module, _ in optimizers] == [("", "basepkg.layers")]
    transforms = index.runtime_registrations("childpkg.registry:MODELS")
    assert [prefix for prefix, _, _ in transforms] == ["vision/"]  # in a function: run time
    # A loop over a literal list is unrolled, f-strings of its variable included.
    assert {"vision/Flip", "vision/Crop"} <= set(registered(index, "childpkg.registry:MODELS"))


def test_constructors_follow_base_classes_across_packages(source):
    index = index_of(source, "childpkg")
    key = "childpkg.registry:MODELS"
    # Its own __init__ decides, even over a base that cannot be read (torch).
    assert parameters(index, key, "ResNet") == (
        ["depth", "num_stages", "norm_cfg"],
        ["depth"],
        False,
    )
    assert parameters(index, key, "FocalLoss") == (["gamma", "alpha"], [], False)
    assert parameters(index, key, "Detector") == (
        ["backbone", "head", "loss"],
        ["backbone"],
        True,
    )
    # No __init__ of its own: the first one up its bases (in another package), in C3 order.
    assert parameters(index, key, "Inherits") == (["depth", "init_cfg"], ["depth"], False)
    assert parameters(index, key, "Diamond") == (["depth", "init_cfg"], ["depth"], False)
    assert parameters(index, key, "Head") == ([], [], True)  # **kwargs up the chain
    assert parameters(index, key, "Torchy") is None  # a base that cannot be read: unknown
    assert parameters(index, key, "Upsample") == ([], [], True)  # the helper's build(**kwargs)
    assert parameters(index, "basepkg.registry.root:MODELS", "BN") is None  # torch's class


def test_keys_a_constructor_pops_from_its_dict_arguments(source):
    index = index_of(source, "childpkg")
    (detector,) = index.registrations["childpkg.registry:MODELS"]["Detector"]
    assert index.popped(detector, "loss") == {"bg_weight"}
    assert index.popped(detector, "head") == set()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("class A(metaclass=Meta):\n    def __init__(self, x): pass\n", None),
        ("class A(metaclass=ABCMeta):\n    def __init__(self, x): pass\n", (["x"], ["x"], False)),
        ("class A:\n    @wraps(f)\n    def __init__(self, x): pass\n", None),
        ("class A:\n    def __new__(cls, x): pass\n    def __init__(self, x): pass\n", None),
        ("@dataclass\nclass A:\n    x: int = 0\n", None),
        ("class A:\n    pass\n", None),  # only object.__init__: built some other way
        (
            "class A:\n    def __init__(self, a, /, b, *args, c, d=1, **kw): pass\n",
            (["b", "c", "d"], ["b", "c"], True),
        ),
    ],
)
def test_what_keeps_a_signature_unknown(tmp_path, body, expected):
    write_files(
        tmp_path,
        {
            "onepkg/__init__.py": "",
            "onepkg/registry.py": REGISTRY,
            "onepkg/a.py": "from abc import ABCMeta\nfrom .registry import MODELS\n"
            + body
            + "MODELS.register_module(module=A)\n",
        },
    )
    index = index_of(tmp_path, "onepkg")
    assert parameters(index, "onepkg.registry:MODELS", "A") == expected


def test_a_file_that_is_not_valid_python_is_skipped(tmp_path):
    write_files(
        tmp_path,
        {
            "onepkg/__init__.py": "",
            "onepkg/registry.py": REGISTRY,
            "onepkg/broken.py": "def (:\n",
            "onepkg/fine.py": registered_class(".registry", "A", "x"),
        },
    )
    assert registered(index_of(tmp_path, "onepkg"), "onepkg.registry:MODELS") == ["A"]


def test_match_and_except_star_statements_are_read_where_python_has_them(tmp_path):
    import sys

    text = (
        "from .registry import MODELS\ntry:\n    pass\nexcept* ValueError:\n"
        "    MODELS.register_module('E', module=int)\n"
    )
    write_files(
        tmp_path,
        {
            "onepkg/__init__.py": "",
            "onepkg/registry.py": REGISTRY,
            "onepkg/a.py": text,
        },
    )
    expected = ["E"] if sys.version_info >= (3, 11) else []
    assert registered(index_of(tmp_path, "onepkg"), "onepkg.registry:MODELS") == expected


def test_summaries_are_cached_and_read_again_when_a_file_changes(
    source, private_cache, monkeypatch
):
    calls = []
    real = packages.summarise

    def counting(text, module, *args):
        calls.append(module)
        return real(text, module, *args)

    monkeypatch.setattr(packages, "summarise", counting)
    old = 1_000_000_000  # files last changed long ago: their stamps can be trusted
    for folder, _, names in os.walk(source):
        for name in names:
            os.utime(os.path.join(folder, name), (old, old))
    index_of(source, "childpkg")
    first = len(calls)
    assert first > 0
    assert any(private_cache.rglob("childpkg-*"))  # in the cache folder, not beside sources
    assert not any(source.rglob("*.marshal"))
    calls.clear()
    index_of(source, "childpkg")
    assert calls == []  # every summary came from the cache
    helpers = source / "childpkg" / "models" / "helpers.py"
    helpers.write_text(helpers.read_text() + "\n# changed\n")
    index = index_of(source, "childpkg")
    assert calls == ["childpkg.models.helpers"]
    assert "Upsample" in registered(index, "childpkg.registry:MODELS")


def test_the_cache_can_be_off_or_unwritable(source, private_cache, monkeypatch):
    monkeypatch.setenv("CFGKIT_NO_CACHE", "1")
    assert "Detector" in registered(index_of(source, "childpkg"), "childpkg.registry:MODELS")
    assert not any(private_cache.iterdir())
    monkeypatch.delenv("CFGKIT_NO_CACHE")
    blocked = private_cache / "file"
    blocked.write_text("")
    monkeypatch.setenv("CFGKIT_CACHE_DIR", str(blocked))  # a file where a folder should be
    assert "Detector" in registered(index_of(source, "childpkg"), "childpkg.registry:MODELS")


def test_a_source_folder_is_scanned_and_put_on_the_search_path(source):
    index = Index([])
    assert index.scan(str(source / "childpkg"))
    index.scan_parents()
    index.resolve()
    assert "childpkg.registry:MODELS" in index.registries
    assert index.registries["childpkg.registry:MODELS"].parent == "basepkg.registry.root:MODELS"


def test_scanning_what_does_not_exist(source):
    with pytest.raises(PackageNotFoundError, match="cannot scan 'nope'"):
        static_index(None, scan=["nope"], path=[str(source)])
    with pytest.raises(PackageNotFoundError, match="cannot scan"):
        static_index(None, scan=[str(source / "missing" / "folder")], path=[str(source)])


def test_distributions_that_build_on_mmengine_are_found_from_their_metadata(tmp_path):
    write_files(
        tmp_path,
        {
            "mmengine/__init__.py": "",
            "mmengine/registry.py": REGISTRY,
            "mmfoo/__init__.py": "",
            "mmfoo/models.py": registered_class("mmengine.registry", "Foo", "x"),
            "mmfoo-1.0.dist-info/METADATA": (
                "Metadata-Version: 2.1\nName: mmfoo\nVersion: 1.0\nRequires-Dist: numpy\n"
                "Requires-Dist: mmengine (>=0.7) ; extra == 'mim'\n"
            ),
            "mmfoo-1.0.dist-info/top_level.txt": "mmfoo\n",
            "other/__init__.py": "",
            "other-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: other\nVersion: 1.0\n",
            "other-1.0.dist-info/top_level.txt": "other\n",
        },
    )
    index = static_index(Config(dict(model=dict(type="Foo", y=1))), path=[str(tmp_path)])
    assert sorted(index.packages) == ["mmengine", "mmfoo"]
    problems = check(Config(dict(model=dict(type="Foo", y=1))), index=index)
    assert [(p.severity, p.key) for p in problems] == [("error", "model.y"), ("note", "model")]
    # What custom_imports names is scanned besides, not instead.
    cfg = Config(dict(custom_imports=dict(imports=["other"])))
    assert sorted(static_index(cfg, path=[str(tmp_path)]).packages) == [
        "mmengine",
        "mmfoo",
        "other",
    ]


def test_mmcv_1x_forms_of_registration(tmp_path):
    write_files(
        tmp_path,
        {
            "oldpkg/__init__.py": "",
            "oldpkg/registry.py": REGISTRY,
            "oldpkg/optim.py": """\
                import torch

                from .registry import MODELS


                class Applied:
                    def __init__(self, lr):
                        pass


                class OldStyle:
                    def __init__(self, lr):
                        pass


                MODELS.register_module()(Applied)
                MODELS.register_module(OldStyle)


                def register_torch_optimizers():
                    for name in dir(torch.optim):
                        MODELS.register_module()(getattr(torch.optim, name))
                """,
        },
    )
    index = index_of(tmp_path, "oldpkg")
    assert registered(index, "oldpkg.registry:MODELS") == ["Applied", "OldStyle"]
    assert parameters(index, "oldpkg.registry:MODELS", "OldStyle") == (["lr"], ["lr"], False)
    assert [p for p, _, _ in index.runtime_registrations("oldpkg.registry:MODELS")] == [""]


@pytest.mark.parametrize(
    "entry",
    [
        b"not marshal at all",
        {"format": FORMAT, "files": 3},
        {"format": FORMAT, "files": {"\0written": "x"}},
        {"format": FORMAT, "files": {"\0written": 0, "a.py": 5}},
    ],
)
def test_a_damaged_cache_entry_means_reading_again(source, private_cache, entry):
    import marshal

    index_of(source, "childpkg")
    (cache_file,) = private_cache.rglob("childpkg-*")
    cache_file.write_bytes(entry if isinstance(entry, bytes) else marshal.dumps(entry))
    assert "Detector" in registered(index_of(source, "childpkg"), "childpkg.registry:MODELS")
