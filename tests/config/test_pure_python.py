"""Pure-Python configs: read_base() bases, lazy imports, and their errors."""

from __future__ import annotations

import copy
import pickle
import sys
from pathlib import Path

import pytest

from cfgkit import Config, errors
from cfgkit.config import ConfigDict
from cfgkit.config.lazy import LazyAttr, LazyObject, read_base
from cfgkit.registry import Registry

DATA = Path(__file__).parents[1] / "data"
PURE = DATA / "configs" / "pure"
BAD = DATA / "configs" / "pure_bad"


@pytest.fixture(autouse=True)
def fake_packages():
    """fakelib (the classes configs name) and fakepkg (configs inside a package)."""
    sys.path.insert(0, str(DATA / "packages"))
    yield
    sys.path.remove(str(DATA / "packages"))
    for name in [m for m in sys.modules if m.split(".")[0] in ("fakelib", "fakepkg")]:
        del sys.modules[name]


def test_bases_are_bound_and_classes_stay_lazy():
    sys.modules.pop("fakelib.models", None)
    cfg = Config.fromfile(PURE / "retinanet_r50_coco.py")
    assert "fakelib.models" not in sys.modules  # loading imports nothing
    plain = cfg.to_dict()
    assert plain["model"]["type"] == "fakelib.models.RetinaNet"
    assert plain["model"]["backbone"] == {
        "type": "fakelib.models.ResNet",
        "depth": 50,
        "norm_cfg": {"type": "BN", "requires_grad": True},
    }
    assert plain["max_epochs"] == 12
    assert "RetinaNet" not in plain
    assert "read_base" not in plain
    assert "RetinaNet" in cfg.to_dict(keep_imported=True)


def test_a_child_changes_inherited_values_in_place():
    cfg = Config.fromfile(PURE / "retinanet_x101_voc.py")
    plain = cfg.to_dict()
    assert plain["model"]["backbone"]["type"] == "fakelib.models.ResNeXt"
    assert plain["model"]["backbone"]["depth"] == 101
    assert plain["model"]["backbone"]["groups"] == 32
    assert plain["model"]["neck"] == {"type": "PAFPN", "in_channels": [256]}
    assert plain["train_dataloader"]["dataset"]["pipeline"][-1]["type"] == "RandomFlip"
    assert plain["max_epochs"] == 24
    # The base, loaded on its own, is unchanged.
    assert Config.fromfile(PURE / "retinanet_r50_coco.py").model.backbone.depth == 50


def test_named_absolute_and_attribute_imports():
    assert Config.fromfile(PURE / "named_imports.py").to_dict()["epochs"] == 24
    assert Config.fromfile(PURE / "absolute_base.py").to_dict()["backbone"]["depth"] == 34
    lazy = Config.fromfile(PURE / "lazy_attributes.py").to_dict()
    assert lazy["optimizer"]["type"] == "fakelib.optim.SGD"
    assert lazy["pipeline"][0]["type"] == "fakelib.transforms.Resize"


def test_access_builds_lazy_objects():
    from fakelib.models import ResNet, RetinaNet

    cfg = Config.fromfile(PURE / "retinanet_r50_coco.py")
    assert cfg.model.type is RetinaNet
    assert cfg.model["backbone"].get("type") is ResNet
    assert isinstance(dict.__getitem__(cfg.model, "type"), LazyObject)


def test_registry_builds_lazy_types():
    cfg = Config.fromfile(PURE / "retinanet_r50_coco.py")
    registry = Registry("model", scope="pure_demo")
    backbone = registry.build(cfg.model.backbone)
    assert backbone.depth == 50
    raw = dict(type=dict.__getitem__(cfg.model.backbone, "type"), depth=18)
    assert registry.build(raw).depth == 18


def test_dump_writes_import_paths_that_load_back_as_a_classic_config(tmp_path):
    cfg = Config.fromfile(PURE / "retinanet_r50_coco.py")
    target = tmp_path / "dumped.py"
    cfg.dump(target)
    again = Config.fromfile(target)
    assert again.to_dict() == cfg.to_dict()
    registry = Registry("model", scope="pure_dump")
    assert registry.build(again.model.backbone).depth == 50  # resolved by import path


def test_text_and_file_name_and_dunder_file(write_config):
    cfg = Config.fromfile(PURE / "named_imports.py")
    assert cfg.text == (PURE / "named_imports.py").read_text()
    assert cfg.env_variables == {}
    path = write_config(
        "here.py",
        "import os.path as osp\nfrom fakelib.models import A\nname = osp.basename(__file__)\n",
    )
    # Standard-library imports run (mmengine makes `osp` lazy in a venv and fails here).
    assert Config.fromfile(path).name == "here.py"


def test_lazy_import_flag():
    with pytest.raises(errors.ConfigParsingError, match=r"cannot use `_base_ = \.\.\.`"):
        Config.fromfile(BAD / "pure_classic_base.py", lazy_import=True)
    cfg = Config.fromfile(DATA / "configs" / "py" / "code_in_config.py", lazy_import=True)
    assert cfg.base == 10


def test_config_dicts_copy_and_pickle_with_lazy_values():
    cfg = Config.fromfile(PURE / "retinanet_r50_coco.py")
    clone = copy.deepcopy(cfg)
    assert clone.to_dict() == cfg.to_dict()
    again = pickle.loads(pickle.dumps(cfg))
    assert again.to_dict() == cfg.to_dict()
    assert isinstance(again._cfg_dict, ConfigDict)


def test_lazy_objects():
    lazy = LazyObject("fakelib.models", "ResNet", "x.py, line 1")
    assert str(lazy) == "ResNet"
    assert lazy.dotted() == "fakelib.models.ResNet"
    assert lazy.build().__name__ == "ResNet"
    attribute = LazyObject("fakelib.models", location="x.py, line 2").ResNet
    assert isinstance(attribute, LazyAttr)
    assert attribute.dotted() == "fakelib.models.ResNet"
    assert attribute.build().__name__ == "ResNet"
    with pytest.raises(
        ImportError, match=r"Failed to import Nope from fakelib\.models in x\.py, line 1"
    ):
        LazyObject("fakelib.models", "Nope", "x.py, line 1").build()
    with pytest.raises(ModuleNotFoundError, match=r"Failed to import no_such_mod_xyz in y\.py"):
        LazyObject("no_such_mod_xyz", location="y.py").build()
    with pytest.raises(TypeError, match="module should be"):
        LazyObject(3)
    with pytest.raises(RuntimeError, match="imported lazily"):
        lazy()
    with read_base():
        pass


@pytest.mark.parametrize(
    ("name", "error", "builtin", "message"),
    [
        pytest.param(
            "not_an_import.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"Only `from \.\.\. import \.\.\.`.*not_an_import\.py, line 4",
            id="not-an-import",
        ),
        pytest.param(
            "from_dot.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"`from \. import xxx` is not allowed.*from_dot\.py, line 4",
            id="from-dot",
        ),
        pytest.param(
            "missing_base.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"nowhere\.py not found.*missing_base\.py, line 4",
            id="missing-base",
        ),
        pytest.param(
            "package_as_base.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"should not be an independent package fakelib.*line 4",
            id="package-as-base",
        ),
        pytest.param(
            "star_outside.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"`from xxx import \*` is not allowed.*star_outside\.py, line 1",
            id="star-outside",
        ),
        pytest.param(
            "two_imports.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"import multiple modules in one line.*two_imports\.py, line 1",
            id="two-imports",
        ),
        pytest.param(
            "name_error.py",
            errors.ConfigExecutionError,
            NameError,
            r"undefined_name.*name_error\.py, line 4",
            id="name-error",
        ),
        pytest.param(
            "calls_lazy.py",
            errors.ConfigExecutionError,
            RuntimeError,
            r"fakelib\.models\.ResNet is imported lazily.*calls_lazy\.py, line 3",
            id="calls-lazy",
        ),
        pytest.param(
            "pure_on_classic.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"pure_on_classic\.py is a pure-Python config but its base .*pure_classic_base\.py "
            r"is a classic `_base_` config",
            id="mixed-styles",
        ),
        pytest.param(
            "cycle_a.py",
            errors.InheritanceCycleError,
            RecursionError,
            r"cycle_a\.py -> .*cycle_b\.py -> .*cycle_a\.py",
            id="cycle",
        ),
        pytest.param(
            "missing_name.py",
            errors.ConfigParsingError,
            RuntimeError,
            r"cannot import name 'nope' from base config .*default_runtime\.py.*line 4",
            id="missing-name",
        ),
    ],
)
def test_errors_name_the_file_and_line(name, error, builtin, message):
    with pytest.raises(error, match=message) as caught:
        Config.fromfile(BAD / name)
    assert isinstance(caught.value, builtin)


def run_without(modules, code):
    """Run ``code`` in a fresh interpreter where ``modules`` cannot be imported."""
    import subprocess

    blocked = "".join(f"sys.modules[{name!r}] = None\n" for name in modules)
    result = subprocess.run(
        [sys.executable, "-c", f"import sys\n{blocked}{code}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_loads_prints_and_dumps_without_mmengine_or_the_model_package(tmp_path):
    code = (
        "from cfgkit import Config\n"
        f"cfg = Config.fromfile({str(PURE / 'retinanet_x101_voc.py')!r})\n"
        "print(cfg.model.to_dict()['backbone']['type'])\n"
        f"cfg.dump({str(tmp_path / 'out.yaml')!r})\n"
        "assert 'type=' in cfg.pretty_text\n"
    )
    result = run_without(["mmengine", "fakelib"], code)
    assert result.stdout.strip() == "fakelib.models.ResNeXt"
    assert (tmp_path / "out.yaml").exists()


def test_a_file_that_imports_read_base_but_has_no_block_loads_without_mmengine():
    # mmengine counts mmengine.config as standard, so the file is classic and its import
    # runs; cfgkit serves read_base itself.
    code = (
        "from cfgkit import Config\n"
        f"cfg = Config.fromfile({str(PURE / 'imports_read_base_without_block.py')!r})\n"
        "print(cfg.to_dict())\n"
    )
    result = run_without(["mmengine"], code)
    assert result.stdout.strip() == "{'num_classes': 3, 'model': {'type': 'Net', 'num_classes': 3}}"


def test_the_style_is_decided_before_any_text_pass(monkeypatch):
    # A classic text pass would fail on the unset variable; mmengine never runs one here.
    monkeypatch.delenv("CFGKIT_UNSET_VARIABLE", raising=False)
    cfg = Config.fromfile(PURE / "environment_text_left_alone.py")
    assert cfg.work_dir == "{{ $CFGKIT_UNSET_VARIABLE:}}"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param(
            "second_read_base.py",
            r"one `with read_base\(\):` block; this one repeats the block of line 3.*"
            r"second_read_base\.py, line 6",
            id="second-block",
        ),
        pytest.param(
            "read_base_in_if.py",
            r"must be a statement at the top level.*read_base_in_if\.py, line 4",
            id="block-inside-if",
        ),
    ],
)
def test_read_base_blocks_other_than_one_at_the_top_are_refused(name, message):
    with pytest.raises(errors.ConfigParsingError, match=message):
        Config.fromfile(BAD / name)


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        pytest.param(
            "typo_item.py",
            errors.MissingKeyError,
            r"'depht'\. Did you mean 'depth'\? \(in .*typo_item\.py, line 6\)",
            id="missing-item",
        ),
        pytest.param(
            "typo_attribute.py",
            errors.MissingAttributeError,
            r"no attribute 'nope' \(in .*typo_attribute\.py, line 6\)",
            id="missing-attribute",
        ),
    ],
)
def test_a_typo_in_a_pure_python_config_is_an_error_that_prints(name, error, message):
    with pytest.raises(error, match=message) as caught:
        Config.fromfile(BAD / name)
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is error
    assert str(again) == str(caught.value)


def test_a_missing_name_in_a_base_import_is_also_a_key_error():
    with pytest.raises(KeyError) as caught:
        Config.fromfile(BAD / "missing_name.py")
    assert isinstance(caught.value, errors.MissingBaseNameError)
    assert isinstance(caught.value, errors.ConfigParsingError)
    assert str(caught.value).startswith("cannot import name 'nope' from base config")


def test_read_base_is_importable_from_cfgkit_and_cfgkit_config():
    import cfgkit
    import cfgkit.config

    assert cfgkit.read_base is cfgkit.config.read_base is read_base


def test_fromstring_of_a_pure_python_text_says_to_load_it_from_a_file():
    text = "from mmengine.config import read_base\nwith read_base():\n    from .base import *\n"
    with pytest.raises(errors.ConfigParsingError, match=r"pure-Python config .* save it to a file"):
        Config.fromstring(text, ".py")


def test_a_pure_python_chain_too_deep_to_follow_is_a_located_error(tmp_path):
    # Pure-Python bases are imports, followed one call per level.
    for level in range(600):
        body = f"with read_base():\n    from .c{level - 1} import *\n" if level else ""
        (tmp_path / f"c{level}.py").write_text(
            f"from mmengine.config import read_base\n{body}v{level} = {level}\n", encoding="utf-8"
        )
    with pytest.raises(errors.NestingError, match=r"recursed too deeply.*c599\.py") as caught:
        Config.fromfile(tmp_path / "c599.py")
    assert isinstance(caught.value, RecursionError)


STYLE_CASES = {
    # The first decisive statement, breadth first, decides (mmengine's rule).
    "imports after a top-level _base_": ("_base_ = []\nimport json5_not_installed\nx = 1\n", False),
    "a non-standard import before it": ("import json5_not_installed\n_base_ = []\n", True),
    "a standard import before it": ("import os\n_base_ = []\nx = 1\n", False),
    "a with block after it": ("_base_ = []\nwith open('x') as f:\n    pass\n", False),
    "a docstring before it": ('"""Doc."""\n_base_ = []\nimport json5_not_installed\n', False),
    "a nested import before it": (
        "if False:\n    import json5_not_installed\n_base_ = []\n",
        False,
    ),
    "_base_ inside a string before it": (
        "x = '''\n_base_ = []\n'''\nimport json5_not_installed\n",
        True,
    ),
}


@pytest.mark.parametrize(("text", "pure"), STYLE_CASES.values(), ids=STYLE_CASES.keys())
def test_the_style_follows_the_first_decisive_statement(tmp_path, text, pure):
    from cfgkit.config._load.pure_python import is_pure_python

    assert is_pure_python(text, str(tmp_path / "c.py")) is pure


def test_merging_options_next_to_a_lazy_class_leaves_it_lazy():
    # The merge copies the dicts along its path without reading their values through the
    # ConfigDict (which builds lazy objects), as mmengine's does.
    sys.modules.pop("fakelib.models", None)
    cfg = Config.fromfile(PURE / "retinanet_r50_coco.py")
    cfg.merge_from_dict({"model.backbone.depth": 101, "model.extra": 1})
    assert "fakelib.models" not in sys.modules
    plain = cfg.to_dict()
    assert plain["model"]["type"] == "fakelib.models.RetinaNet"
    assert plain["model"]["backbone"]["type"] == "fakelib.models.ResNet"
    assert plain["model"]["backbone"]["depth"] == 101
