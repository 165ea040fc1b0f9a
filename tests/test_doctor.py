"""The registry doctor: why a type is not found, and the line that fixes it, for each cause of
issue 28, at build time (small packages on cfgkit's registries, no torch), in ``cfgkit
check`` (text, JSON, GitHub) and from ``cfgkit why``.

The project below is modelled on the threads: ``drengine`` plays mmengine (root registries),
``drdet`` plays mmdet (child registries of scope ``drdet``), ``projects/CO-DETR/codetr``
registers a model nothing imports (mmdet#11895), ``projects/big_head`` needs a missing
dependency (fairscale), ``drdet.models`` has a class never registered (mmdet#5601) and one
registered under another name.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
import textwrap
import warnings

import pytest

from cfgkit import Config, errors
from cfgkit.checking import check, format_problems, static_index
from cfgkit.cli import main

FILES = {
    "pyproject.toml": "# the top of the project\n",
    "drengine/__init__.py": "",
    "drengine/registry.py": """\
        from cfgkit.registry import Registry

        MODELS = Registry('model', scope='drengine')
        TRANSFORMS = Registry('transform', scope='drengine')
        METRICS = Registry('metric', scope='drengine')
        HOOKS = Registry('hook', scope='drengine', locations=['drengine.hooks'])
        VISUALIZERS = Registry('visualizer', scope='drengine')
        """,
    "drengine/hooks.py": """\
        from drengine.registry import HOOKS


        @HOOKS.register_module()
        class CheckpointHook:
            pass
        """,
    "drdet/__init__.py": "",
    "drdet/registry.py": """\
        from drengine.registry import METRICS as ROOT_METRICS
        from drengine.registry import MODELS as ROOT_MODELS
        from drengine.registry import TRANSFORMS as ROOT_TRANSFORMS

        from cfgkit.registry import Registry

        MODELS = Registry('model', parent=ROOT_MODELS, scope='drdet', locations=['drdet.models'])
        TRANSFORMS = Registry(
            'transform', parent=ROOT_TRANSFORMS, scope='drdet', locations=['drdet.transforms']
        )
        METRICS = Registry(
            'metric', parent=ROOT_METRICS, scope='drdet', locations=['drdet.metrics']
        )
        """,
    "drdet/models.py": """\
        from drdet.registry import MODELS


        @MODELS.register_module()
        class DetNet:
            def __init__(self, depth=1):
                self.depth = depth


        class Neck:
            def __init__(self, channels=8):
                self.channels = channels


        @MODELS.register_module(name='Fancy')
        class FancyNet:
            pass


        @MODELS.register_module()
        class Resizer:
            pass
        """,
    "drdet/transforms.py": """\
        from drdet.registry import TRANSFORMS


        @TRANSFORMS.register_module()
        class Resize:
            def __init__(self, scale=1):
                self.scale = scale
        """,
    "drdet/metrics.py": """\
        from drdet.registry import METRICS


        @METRICS.register_module()
        class CocoMetric:
            pass
        """,
    "projects/CO-DETR/codetr/__init__.py": "from .codetr import CoDETR\n",
    "projects/CO-DETR/codetr/codetr.py": """\
        from drdet.registry import MODELS


        @MODELS.register_module()
        class CoDETR:
            def __init__(self, num_queries=900):
                self.num_queries = num_queries
        """,
    "projects/big_head/__init__.py": "from .head import BigHead\n",
    "projects/big_head/head.py": """\
        import fairscale

        from drdet.registry import MODELS


        @MODELS.register_module()
        class BigHead:
            pass
        """,
}

# An mmcv installed without its compiled ops (mmcv-lite, or built without MMCV_WITH_OPS=1).
MMCV_LITE = {
    "mmcv/__init__.py": "",
    "mmcv/ops/__init__.py": "from .nms import nms\n",
    "mmcv/ops/nms.py": "from ..utils import ext_loader\n",
}
OPS_PROJECT = {
    "projects/ops_head/__init__.py": "from .head import OpsHead\n",
    "projects/ops_head/head.py": """\
        from mmcv.ops import nms

        from drdet.registry import MODELS


        @MODELS.register_module()
        class OpsHead:
            pass
        """,
}
CODETR_FIX = (
    "custom_imports = dict(imports=['projects.CO-DETR.codetr'], allow_failed_imports=False)"
)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("doctor")
    for name, text in {**FILES, **OPS_PROJECT}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "configs").mkdir()
    sys.path.insert(0, str(root))
    # The registries exist, as a training script makes them (no name keeps them alive).
    importlib.import_module("drdet.registry")

    try:
        yield root
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.partition(".")[0] in ("drengine", "drdet")]:
            del sys.modules[name]
        # Their registries must go too: `cfgkit registry` imports every live registry's
        # locations, which are gone with the project's folder.
        gc.collect()
        from cfgkit.registry.registry import all_registries

        assert not [r for r in all_registries() if r.scope in ("drengine", "drdet")]


def config(project, name, text):
    path = project / "configs" / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Config.fromfile(str(path))


def build_error(project, registry_name, text):
    """The error a build of a config's ``model`` raises."""
    registries = sys.modules[f"{registry_name}.registry"]
    cfg = config(project, f"build_{len(text)}_{abs(hash(text))}.py", text)
    with pytest.raises(errors.NotRegisteredError) as caught:
        registries.MODELS.build(cfg.model)
    return caught.value


def test_build_names_the_module_nothing_imports_and_the_custom_imports_line(project):
    error = build_error(project, "drdet", "model = dict(type='CoDETR')\n")
    message = str(error)
    first, *rest = message.splitlines()
    assert first.startswith("CoDETR is not in the drdet::model registry. Please check")
    # The first line is what it was: mmengine's words, then the dict's key path and file:line.
    assert (
        "(is the module that registers it imported, e.g. through custom_imports?); "
        f"config key model ({project}" in first
    )
    assert first.endswith(".py:1)")
    assert isinstance(error, KeyError)
    assert rest[0].startswith("  why (not imported): 'CoDETR' is registered in drdet::model by ")
    assert "projects/CO-DETR/codetr/codetr.py:4, a module nothing imports" in rest[0]
    assert f"PYTHONPATH={project}" in rest[0] or "PYTHONPATH=" in rest[0]
    assert rest[1] == f"  fix: {CODETR_FIX}"
    assert "projects.CO-DETR.codetr" not in sys.modules  # read, never imported


def test_build_in_the_root_scope_names_the_scope_that_has_it(project):
    error = build_error(project, "drengine", "model = dict(type='DetNet')\n")
    lines = str(error).splitlines()
    assert lines[0].startswith("DetNet is not in the drengine::model registry.")
    assert "  why (other scope): 'DetNet' is registered in scope 'drdet'" in "\n".join(lines)
    assert "  fix: default_scope = 'drdet'  # or type='drdet.DetNet'" in lines


def test_build_names_the_registry_that_has_it_and_where_that_one_builds(project):
    error = build_error(project, "drdet", "model = dict(type='Resize')\n")
    text = str(error)
    assert "why (other registry): 'Resize' is a transform (drdet::transform" in text
    assert "drdet/transforms.py:4), but model is built from the model registry" in text
    assert "*_dataloader.dataset.pipeline" in text


@pytest.mark.parametrize(
    ("written", "fix", "how"),
    [
        pytest.param("Detnet", "type='DetNet'", "case or separators differ", id="case"),
        pytest.param("FancyNet", "type='Fancy'", "registered under this name", id="alias"),
    ],
)
def test_build_names_the_spelling_that_is_registered(project, written, fix, how):
    error = build_error(project, "drdet", f"model = dict(type={written!r})\n")
    text = str(error)
    assert "why (spelling)" in text
    assert how in text
    assert f"  fix: {fix}" in text.splitlines()


def test_build_in_the_root_scope_names_a_close_name_of_another_scope(project):
    error = build_error(project, "drengine", "model = dict(type='DetNt')\n")
    lines = str(error).splitlines()
    assert "Did you mean" not in lines[0]  # the root registry has no close name itself
    assert lines[1] == "  why (spelling): 'DetNt' is close to 'DetNet', registered in scope 'drdet'"
    assert lines[2] == "  fix: type='drdet.DetNet'  # or default_scope = 'drdet' and type='DetNet'"


def test_build_names_the_missing_dependency_an_allowed_failed_import_hid(project):
    text = (
        "custom_imports = dict(imports=['projects.big_head'], allow_failed_imports=True)\n"
        "model = dict(type='BigHead')\n"
    )
    error = build_error(project, "drdet", text)
    message = str(error)
    assert "why (import fails): 'BigHead' is registered in drdet::model by " in message
    assert "importing projects.big_head.head fails: ModuleNotFoundError: No module named " in (
        message
    )
    assert "'fairscale'" in message
    assert "  fix: pip install fairscale" in message.splitlines()


def test_build_names_the_class_never_registered_and_the_decorator(project):
    error = build_error(project, "drdet", "model = dict(type='Neck')\n")
    lines = str(error).splitlines()
    assert any(
        line.startswith("  why (not registered): class Neck is defined at ")
        and "drdet/models.py:10" in line
        and "it belongs in drdet::model" in line
        for line in lines
    )
    assert (
        "  fix: from drdet.registry import MODELS; @MODELS.register_module()  # above class "
        in ("\n".join(lines))
    )


def test_build_names_the_package_to_install(project):
    error = build_error(project, "drdet", "model = dict(type='mmpretrain.ConvNeXt')\n")
    lines = str(error).splitlines()
    assert "  why (not installed): 'mmpretrain.ConvNeXt' names the scope 'mmpretrain', and no " in (
        "\n".join(lines)
    )
    assert "  fix: mim install mmpretrain" in lines


def test_a_build_that_succeeds_never_asks_the_doctor(project, monkeypatch):
    import cfgkit.registry._doctor

    def refuse(*args):
        raise AssertionError("the doctor ran on the success path")

    monkeypatch.setattr(cfgkit.registry._doctor, "explain_missing", refuse)
    registries = sys.modules["drdet.registry"]
    assert registries.MODELS.build(dict(type="DetNet", depth=3)).depth == 3


def test_a_doctor_that_fails_leaves_the_error_as_it_was(project, monkeypatch):
    import cfgkit.registry._doctor

    def broken(*args):
        raise RuntimeError("doctor bug")

    monkeypatch.setattr(cfgkit.registry._doctor, "explain_missing", broken)
    registries = sys.modules["drdet.registry"]
    with pytest.raises(errors.NotRegisteredError, match=r"^CoDETR is not in the drdet::model") as e:
        registries.MODELS.build(dict(type="CoDETR"))
    assert "\n" not in str(e.value)


# -- cfgkit check ------------------------------------------------------------------------------


def checked(project, text, name="check.py", scan=()):
    cfg = config(project, name, text)
    index = static_index(cfg, scan=scan, path=[str(project), *sys.path])
    return {p.key: p for p in check(cfg, index=index, references=False)}


@pytest.mark.parametrize(
    ("text", "key", "cause", "fix"),
    [
        pytest.param(
            "default_scope = 'drdet'\nmodel = dict(type='CoDETR')\n",
            "model.type", "not imported", CODETR_FIX, id="1-not-imported",
        ),
        pytest.param(
            "default_scope = 'drengine'\nmodel = dict(type='DetNet')\n",
            "model.type", "other scope", "default_scope = 'drdet'  # or type='drdet.DetNet'",
            id="2-other-scope",
        ),
        pytest.param(
            "default_scope = 'drdet'\nmodel = dict(type='Detnet')\n",
            "model.type", "spelling", "type='DetNet'", id="4-case",
        ),
        pytest.param(
            "default_scope = 'drdet'\nmodel = dict(type='FancyNet')\n",
            "model.type", "spelling", "type='Fancy'", id="4-alias",
        ),
        pytest.param(
            "default_scope = 'drdet'\nmodel = dict(type='BigHead')\n",
            "model.type", "import fails", "pip install fairscale", id="5-import-fails",
        ),
        pytest.param(
            "default_scope = 'drdet'\nmodel = dict(type='Neck')\n",
            "model.type", "not registered",
            "from drdet.registry import MODELS; @MODELS.register_module()  # above class Neck",
            id="6-not-registered",
        ),
        pytest.param(
            "default_scope = 'drdet'\nmodel = dict(type='mmpretrain.ConvNeXt')\n",
            "model.type", "not installed", "mim install mmpretrain", id="7-not-installed",
        ),
    ],
)  # fmt: skip
def test_check_gives_the_cause_and_the_fix(project, text, key, cause, fix):
    problems = checked(project, text, name=f"{cause.replace(' ', '_')}_{len(text)}.py")
    assert key in problems, problems
    assert problems[key].cause == cause
    assert fix in problems[key].fix.split(" | ")
    assert fix in problems[key].suggestion or "Did you mean" in problems[key].suggestion


@pytest.mark.parametrize(
    ("text", "key", "kind"),
    [
        pytest.param("model = dict(type='Resize')\n", "model.type", "transform", id="transform"),
        pytest.param("model = dict(type='CocoMetric')\n", "model.type", "metric", id="metric"),
        pytest.param(
            "visualizer = dict(type='CheckpointHook')\n", "visualizer.type", "hook", id="hook"
        ),
        pytest.param(
            "train_dataloader = dict(dataset=dict(type='Resize'))\n",
            "train_dataloader.dataset.type",
            "transform",
            id="transform-as-dataset",
        ),
        pytest.param(
            "val_evaluator = dict(type='DetNet')\n", "val_evaluator.type", None, id="model-ok"
        ),
        pytest.param(
            "custom_hooks = [dict(type='CheckpointHook', dataset=dict(type='Resize'))]\n",
            "custom_hooks.0.dataset.type",
            "transform",
            id="under-a-dataset-key",
        ),
        pytest.param(
            "custom_hooks = [dict(type='CheckpointHook', new_dataset=dict(type='CocoMetric'))]\n",
            "custom_hooks.0.new_dataset.type",
            None,
            id="what-a-hook-takes-is-not-judged",
        ),
    ],
)
def test_check_refuses_a_type_of_a_registry_that_does_not_build_there(project, text, key, kind):
    problems = checked(project, "default_scope = 'drdet'\n" + text, name=f"placed_{kind}.py")
    if kind is None:
        # A model under an evaluator is not judged: models are built under many keys.
        assert key not in problems
        return
    assert problems[key].severity == "error"
    assert problems[key].cause == "other registry"
    kind_written = problems[key].message.split("'")[1]
    assert problems[key].message.startswith(f"'{kind_written}' is a {kind}, but {key[:-5]} is ")
    assert "registry, which does not have it" in problems[key].message


def test_check_names_the_registry_of_the_scope_that_builds_there(project):
    problems = checked(project, "default_scope = 'drdet'\nmodel = dict(type='Resize')\n", "m.py")
    assert problems["model.type"].message == (
        "'Resize' is a transform, but model is built from the model registry, which does not "
        "have it"
    )
    assert problems["model.type"].fix == (
        "move this dict where a transform is built (the transform registry builds "
        "*_dataloader.dataset.pipeline, *_pipeline, *.transforms), or use a model here"
    )


@pytest.mark.parametrize(
    ("key", "close"),
    [
        pytest.param("model", "'Resizer'", id="a-model-under-model"),
        pytest.param("train_pipeline", "'Resize'", id="a-transform-in-a-pipeline"),
    ],
)
def test_check_gives_close_names_of_the_registry_that_builds_there_first(project, key, close):
    text = f"default_scope = 'drdet'\n{key} = [dict(type='Resizr')]\n"
    problems = checked(project, text, name=f"close_{key}.py")
    assert problems[f"{key}.0.type"].suggestion == f"Did you mean {close}?"


def test_check_keeps_accepting_a_type_where_its_registry_builds(project):
    problems = checked(
        project,
        "default_scope = 'drdet'\n"
        "model = dict(type='DetNet')\n"
        "train_dataloader = dict(dataset=dict(type='X', pipeline=[dict(type='Resize')]))\n"
        "val_evaluator = dict(type='CocoMetric')\n",
        name="placed_well.py",
    )
    assert "model.type" not in problems
    assert "train_dataloader.dataset.pipeline.0.type" not in problems
    assert "val_evaluator.type" not in problems


def test_check_names_mmcv_without_its_compiled_ops(project, tmp_path):
    for name, text in MMCV_LITE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    cfg = config(project, "ops.py", "default_scope = 'drdet'\nmodel = dict(type='OpsHead')\n")
    index = static_index(cfg, path=[str(tmp_path), str(project), *sys.path])
    problem = {p.key: p for p in check(cfg, index=index, references=False)}["model.type"]
    assert problem.cause == "import fails"
    assert "mmcv is installed without its compiled ops" in problem.message
    assert problem.fix == "mim install mmcv  # the full mmcv, with mmcv.ops"


def test_check_formats_carry_the_cause_and_the_fix(project):
    cfg = config(project, "formats.py", "default_scope = 'drdet'\nmodel = dict(type='CoDETR')\n")
    index = static_index(cfg, path=[str(project), *sys.path])
    problems = [p for p in check(cfg, index=index, references=False) if p.key == "model.type"]
    rows = json.loads(format_problems(problems, "json"))
    assert rows[0]["cause"] == "not imported"
    assert rows[0]["fix"] == CODETR_FIX
    text = format_problems(problems, "text")
    assert text.rstrip().endswith(f"Fix: {CODETR_FIX}")
    github = format_problems(problems, "github")
    assert github.startswith("::error ")
    assert "Fix: custom_imports = dict(imports=['projects.CO-DETR.codetr']" in github


def test_check_with_imported_registries_gives_the_cause_too(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    config(project, "imported.py", "default_scope = 'drdet'\nmodel = dict(type='CoDETR')\n")
    assert main(["check", "configs/imported.py", "--import", "drdet.registry"]) == 1
    out = capsys.readouterr().out
    assert "'CoDETR' is not registered in the registries searched (drdet::metric, " in out
    assert "a module nothing imports (with '.' on sys.path, e.g. PYTHONPATH=.)" in out
    assert out.rstrip().endswith(f"Fix: {CODETR_FIX}")


# -- cfgkit why ------------------------------------------------------------------------------


def test_why_lists_where_and_prints_the_fix_at_each_dict(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    config(project, "why.py", "default_scope = 'drdet'\nmodel = dict(type='CoDETR')\n")
    status = main(["why", "CoDETR", "configs/why.py"])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out[0] == "CoDETR:"
    assert out[1] == (
        "  registered in drdet::model at projects/CO-DETR/codetr/codetr.py:4 "
        "(module projects.CO-DETR.codetr.codetr)"
    )
    assert any(line.startswith("at model (configs/why.py:2): not found: ") for line in out)
    assert f"  fix: {CODETR_FIX}" in out


def test_why_in_a_scope_says_a_build_finds_it(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["why", "DetNet", "--scope", "drdet", "--registry", "model"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  registered in drdet::model at drdet/models.py:4 (module drdet.models)" in out
    assert out[-1] == "in scope 'drdet': a build finds it"


def test_why_from_another_registry_says_why_not(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["why", "Resize", "--scope", "drdet", "--registry", "model"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "in scope 'drdet': a build does not find it" in out
    assert any(line.startswith("  why (other registry): 'Resize' is a transform") for line in out)


def test_why_with_an_unknown_registry_lists_those_of_the_scope(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["why", "DetNet", "--scope", "drdet", "--registry", "nope"]) == 1
    out = capsys.readouterr().out
    assert "no 'nope' registry in scope 'drdet'; registries: [" in out
    assert "'metric', 'model'" in out


def test_why_with_a_scan_that_names_nothing_is_a_usage_error(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["why", "DetNet", "--scan", "no_such_package_here"]) == 2
    assert "cannot scan 'no_such_package_here'" in capsys.readouterr().err


def test_build_names_an_installed_package_module_nothing_imports(project, tmp_path, monkeypatch):
    # A package on sys.path (not the project): its module registers a type but neither the
    # package nor the registry's locations import it. Its file has no project root to show.
    package = tmp_path / "site" / "drextra"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "registry.py").write_text(
        "from drengine.registry import MODELS as ROOT\n"
        "from cfgkit.registry import Registry\n\n"
        "MODELS = Registry('model', parent=ROOT, scope='drextra')\n"
    )
    (package / "extra.py").write_text(
        "from drextra.registry import MODELS\n\n\n"
        "@MODELS.register_module()\nclass ExtraNet:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    registries = importlib.import_module("drextra.registry")
    try:
        with pytest.raises(errors.NotRegisteredError) as caught:
            registries.MODELS.build({"type": "ExtraNet"})
        first, *rest = str(caught.value).splitlines()
        assert first.startswith("ExtraNet is not in the drextra::model registry")
        assert rest[0].startswith("  why (not imported): 'ExtraNet' is registered in ")
        assert rest[0].endswith("extra.py:4, a module nothing imports")  # no PYTHONPATH hint
        assert rest[1] == (
            "  fix: custom_imports = dict(imports=['drextra.extra'], allow_failed_imports=False)"
        )
        assert "drextra.extra" not in sys.modules
    finally:
        for name in [m for m in sys.modules if m.partition(".")[0] == "drextra"]:
            del sys.modules[name]
        registries = caught = None  # the fixture checks that no registry outlives it
