"""`check` and `cfgkit check` against the static index: real mistakes found where they were
written, and nothing reported for what works at run time."""

from __future__ import annotations

import json
import sys

import pytest

from cfgkit import Config, check
from cfgkit.checking import static_index
from cfgkit.cli import main
from tests.files import write_files
from tests.index.projects import BASEPKG, CHILDPKG, CONFIGS, REGISTRY, registered_class


@pytest.fixture
def project(tmp_path, monkeypatch):
    write_files(tmp_path, {**BASEPKG, **CHILDPKG, **CONFIGS})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the command puts the folder first
    return tmp_path


def edit(project, name, old, new):
    path = project / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


def line_of(path, text):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def problems(project, config="configs/child.py", **options):
    cfg = Config.fromfile(str(project / config), import_custom_modules=False)
    if options:
        cfg.merge_from_dict(options)
    return check(cfg, index=static_index(cfg, path=[str(project)]))


def summary(found):
    return [(p.severity, p.key) for p in found]


def test_a_config_that_works_gets_no_error(project):
    # The optimizer registry takes torch's optimizers at run time: SGD is one of them, so
    # nothing is said about it on every run.
    assert problems(project) == []


def test_a_name_only_registered_at_run_time_is_a_note(project):
    found = problems(project, **{"optim_wrapper.optimizer.type": "Lion"})
    assert summary(found) == [("note", "optim_wrapper.optimizer.type")]
    assert "registers names at run time (basepkg.layers, line" in found[0].message


def test_a_misspelt_type_two_bases_up_is_found_at_its_line(project):
    base = edit(project, "configs/_base_/model.py", "type='ResNet'", "type='ResNett'")
    (error,) = [p for p in problems(project) if p.severity == "error"]
    assert (error.key, error.filename, error.lineno) == (
        "model.backbone.type",
        str(base),
        line_of(base, "ResNett"),
    )
    assert error.message == (
        "'ResNett' is not registered in scope 'childpkg' or the scopes it builds on (basepkg)"
    )
    assert "Did you mean 'ResNet'" in error.suggestion


def test_a_misspelt_keyword_is_an_error_with_close_names(project):
    base = edit(project, "configs/_base_/model.py", "depth=50", "depht=50")
    errors = [p for p in problems(project) if p.severity == "error"]
    assert [(p.key, p.lineno, p.message) for p in errors] == [
        ("model.backbone.depht", line_of(base, "depht"), "ResNet has no parameter 'depht'")
    ]
    assert errors[0].suggestion == "Did you mean 'depth'?"


def test_a_keyword_is_valid_when_any_candidate_of_a_name_takes_it(project):
    write_files(
        project,
        {
            "childpkg/other.py": """\
                from .registry import MODELS

                @MODELS.register_module('ResNet', force=True)
                class OtherResNet:
                    def __init__(self, depth, gamma=1.0):
                        pass
                """
        },
    )
    # Two classes are registered as ResNet: `gamma` is only the second one's.
    found = problems(project, **{"model.backbone.gamma": 1.0})
    assert "error" not in {p.severity for p in found}
    found = problems(project, **{"model.backbone.gamma_": 1.0})
    assert [(p.key, p.suggestion) for p in found if p.severity == "error"] == [
        ("model.backbone.gamma_", "Did you mean 'gamma'?")
    ]


def test_a_name_a_run_time_registry_may_hold_is_a_note_only_where_that_registry_builds(project):
    found = problems(project, **{"optim_wrapper.optimizer.type": "AdamWW"})
    assert ("note", "optim_wrapper.optimizer.type") in summary(found)
    found = problems(project, **{"model.loss.type": "AdamWW"})
    assert ("error", "model.loss.type") in summary(found)


def test_scoped_names_are_looked_up_in_that_scope(project):
    plain = dict(_delete_=True, type="basepkg.Plain", depth=1)
    assert "error" not in {p.severity for p in problems(project, **{"model.head": plain})}
    found = problems(project, **{"model.head": {**plain, "type": "basepkg.Nope"}})
    assert ("error", "model.head.type") in summary(found)
    found = problems(project, **{"model.head": {**plain, "type": "childpkg.Plain"}})
    # As Registry.get: a name scoped with the registry's own scope is looked up in that
    # registry alone, not in its parents (and childpkg does not export Plain to import).
    assert ("error", "model.head.type") in summary(found)


def test_constructor_and_builder_pops_are_not_keyword_errors(project):
    # Detector pops loss.bg_weight; the runner pops a hook's priority; build_norm_layer
    # pops requires_grad: the config above has all three and no error.
    found = problems(project, **{"model.loss.bg_weighty": 0.1})
    assert [p.key for p in found if p.severity == "error"] == ["model.loss.bg_weighty"]


def test_a_scope_nothing_registers_is_said_once(project):
    found = problems(project, default_scope="mmnothing")
    assert summary(found) == [("warning", "default_scope")]
    assert "no registry of scope 'mmnothing' was found" in found[0].message
    assert "--scan" in found[0].suggestion


def test_custom_imports_are_scanned_and_never_imported(project):
    write_files(
        project,
        {
            "projmods/__init__.py": "raise RuntimeError('never imported')\n",
            "projmods/extra.py": """\
                from childpkg.registry import MODELS

                @MODELS.register_module()
                class Extra:
                    def __init__(self, size):
                        pass
                """,
        },
    )
    head = dict(_delete_=True, type="Extra", sise=1)
    options = {"custom_imports": dict(imports=["projmods.extra"]), "model.head": head}
    found = problems(project, **options)
    assert [(p.key, p.message) for p in found if p.severity == "error"] == [
        ("model.head.sise", "Extra has no parameter 'sise'")
    ]
    options["custom_imports"] = dict(imports=["projmods_missing.extra"])
    found = problems(project, **options)
    assert ("warning", "custom_imports") in summary(found)
    assert ("note", "model.head.type") in summary(found)  # it may come from the missing one
    assert "error" not in {p.severity for p in found}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("model.test_cfg", dict(nms=dict(type="nms", iou_threshold=0.5))),
        ("model.roi_layer", dict(type="RoIAlign", output_size=7)),
        ("model.dqs_cfg", dict(type="soft_nms", iou_threshold=0.8)),
        ("model.same_up_trans", dict(type="conv", kernel_size=3)),
        ("model.dataset_info", dict(keypoint_info={0: dict(name="nose", type="upper")})),
        (
            "model.aug",
            dict(type="Albu", transforms=[dict(type="ShiftScaleRotate", shift_limit=0.06)]),
        ),
    ],
)
def test_types_that_are_not_registry_names_are_no_errors(project, key, value):
    write_files(
        project,
        {"childpkg/albu.py": registered_class(".registry", "Albu", "transforms")},
    )
    found = problems(project, **{key: value})
    assert "error" not in {p.severity for p in found}, found


def test_a_helper_key_nobody_builds_is_a_note_and_a_copy_is_reported_once(project):
    write_files(
        project,
        {
            "configs/pipeline.py": """\
                _base_ = ['./child.py']
                albu = [dict(type='ShiftScaleRotate')]
                train_pipeline = [dict(type='Plainn')]
                train_dataloader = dict(dataset=dict(type='Head', pipeline=train_pipeline))
                """
        },
    )
    found = problems(project, "configs/pipeline.py")
    assert ("note", "albu.0.type") in summary(found)  # nothing builds `albu`
    errors = [p for p in found if p.severity == "error"]
    # `train_pipeline` is copied into the dataloader: one error, under the key that is built.
    assert [p.key for p in errors] == ["train_dataloader.dataset.pipeline.0.type"]
    assert not [p for p in found if p.key == "train_pipeline.0.type"]


def test_command_checks_statically_without_importing(project, capsys):
    edit(project, "configs/_base_/model.py", "depth=50", "depht=50")
    status = main(["check", "configs/child.py"])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    line = line_of(project / "configs/_base_/model.py", "depht")
    assert (
        f"configs/_base_/model.py:{line}: model.backbone.depht: error: ResNet has no parameter "
        "'depht'. Did you mean 'depth'?" in out
    )
    assert "basepkg" not in sys.modules
    assert "childpkg" not in sys.modules


def test_command_formats_for_machines(project, capsys):
    edit(project, "configs/_base_/model.py", "depth=50", "depht=50")
    assert main(["check", "configs/child.py", "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {
        "severity": "error",
        "key": "model.backbone.depht",
        "file": "configs/_base_/model.py",
        "line": line_of(project / "configs/_base_/model.py", "depht"),
        "message": "ResNet has no parameter 'depht'",
        "suggestion": "Did you mean 'depth'?",
        "code": "",
    }
    assert main(["check", "configs/child.py", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    line = rows[0]["line"]
    assert lines[0] == (
        f"::error file=configs/_base_/model.py,line={line},title=model.backbone.depht::"
        "ResNet has no parameter 'depht'. Did you mean 'depth'?"
    )
    assert lines[1].startswith("::notice file=configs/_base_/model.py,")


def test_github_annotations_escape_what_would_end_a_field():
    from cfgkit.checking import Problem, format_problems

    problem = Problem("warning", "a:b,c", "x,y.py", 3, "50% off\nnext", "")
    assert format_problems([problem], "github") == (
        "::warning file=x%2Cy.py,line=3,title=a%3Ab%2Cc::50%25 off%0Anext\n"
    )


def test_command_checks_several_configs_and_reports_a_shared_base_once(project, capsys):
    edit(project, "configs/_base_/model.py", "depth=50", "depht=50")
    write_files(project, {"configs/other.py": "_base_ = ['./_base_/model.py']\n"})
    assert main(["check", "configs/child.py", "configs/other.py", "configs/missing.py"]) == 2
    captured = capsys.readouterr()
    assert sum("depht" in line for line in captured.out.splitlines()) == 1
    assert "missing.py" in captured.err
    assert "does not exist" in captured.err


def test_command_scans_a_folder_of_sources(project, capsys):
    write_files(
        project,
        {
            "extra_src/mymods/__init__.py": "",
            "extra_src/mymods/things.py": registered_class("childpkg.registry", "Thing", "size"),
            "configs/thing.py": """\
                _base_ = ['./child.py']
                model = dict(head=dict(_delete_=True, type='Thing', sise=1))
                """,
        },
    )
    assert main(["check", "configs/thing.py", "--scan", "extra_src"]) == 1
    out = capsys.readouterr().out
    assert "model.head.sise: error: Thing has no parameter 'sise'. Did you mean 'size'?" in out
    assert main(["check", "configs/thing.py", "--scan", "no_such_folder/"]) == 2
    assert "cannot scan 'no_such_folder/'" in capsys.readouterr().err


def test_a_pure_python_configs_classes_are_read_from_source_in_safe_mode(tmp_path, monkeypatch):
    write_files(
        tmp_path,
        {
            "lazypkg/__init__.py": "raise RuntimeError('never imported')\n",
            "lazypkg/registry.py": REGISTRY,
            "lazypkg/models.py": registered_class(".registry", "Net", "depth"),
            "configs/pure.py": """\
                from lazypkg.models import Net
                import lazypkg.models as models

                default_scope = 'lazypkg'
                model = dict(type=Net, depth=1, head=dict(type=models.Net, depht=2))
                """,
        },
    )
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    cfg = Config.fromfile(str(tmp_path / "configs/pure.py"), safe=True)
    found = check(cfg, index=static_index(cfg, path=[str(tmp_path)]))
    assert [(p.severity, p.key, p.message) for p in found[:2]] == [
        ("error", "model.head", "Net has no parameter 'head'"),
        ("error", "model.head.depht", "Net has no parameter 'depht'"),
    ]


@pytest.mark.parametrize("scope", ["../childpkg", "/", "childpkg/../basepkg", ""])
def test_a_config_never_chooses_a_folder_to_read(project, scope):
    cfg = Config(dict(default_scope=scope, model=dict(type="Plain")))
    index = static_index(cfg, path=[str(project)])
    assert not index.packages or scope == ""


def test_sources_that_break_the_parser_or_loop_are_survived(tmp_path):
    nested = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    write_files(
        tmp_path,
        {
            "looppkg/__init__.py": "from .b import *\nA = B\n",
            "looppkg/b.py": "from . import *\nB = A\n",
            "looppkg/deep.py": nested,
            "looppkg/nul.py": "x = 1\0\n",
            "looppkg/registry.py": (
                "from cfgkit.registry import Registry\n"
                "X = Registry('x', parent=Y)\nY = Registry('y', parent=X)\n"
            ),
            "looppkg/models.py": (
                "from .registry import X\n"
                "class P(Q): pass\nclass Q(P): pass\n"
                "X.register_module(module=P)\nX.register_module(module=A)\n"
            ),
        },
    )
    index = static_index(None, scan=["looppkg"], path=[str(tmp_path)])
    index.resolve()
    cfg = Config(dict(model=dict(type="P", anything=1)))
    assert [p.severity for p in check(cfg, index=index)] == []


def test_imported_registries_and_a_static_index_together(capsys, monkeypatch):
    from pathlib import Path

    examples = Path(__file__).parents[2] / "examples"
    monkeypatch.chdir(examples)
    monkeypatch.setattr(sys, "path", list(sys.path))
    config = "configs/toydet_mlp-large_voc-24e.py"
    options = ["--cfg-options", "model.backbone.type=MLp"]
    outputs = []
    for flags in (
        [],
        ["--import", "toydet.registry"],
        ["--import", "toydet.registry", "--scan", "toydet"],
    ):
        assert main(["check", config, *flags, *options]) == 1
        outputs.append(capsys.readouterr().out)
    static, imported, both = outputs
    assert "not registered in scope 'toydet'" in static
    assert "not registered in the registries searched" in imported
    # With both, a type is looked up in the imported registries, then in the index.
    assert "not registered in scope 'toydet'" in both
    assert static.splitlines()[1:] == imported.splitlines()[1:] == both.splitlines()[1:]


@pytest.fixture
def other(project):
    from tests.index.projects import OTHERPKG

    write_files(project, OTHERPKG)
    return project


def other_problems(project, **model):
    cfg = Config(dict(default_scope="otherpkg", model=model))
    return check(cfg, index=static_index(cfg, path=[str(project)]))


def test_a_constructor_that_sets_a_scope_on_its_dict_is_followed(other):
    found = other_problems(other, type="Wrapper", cfg=dict(type="ResNet", depth=50))
    assert "error" not in {p.severity for p in found}  # ResNet is childpkg's
    found = other_problems(other, type="Wrapper", cfg=dict(type="ResNet", depht=50))
    assert ("error", "model.cfg.depht") in summary(found)


def test_a_scope_key_in_the_config_is_followed(other):
    found = other_problems(other, type="Loose", x=dict(type="ResNet", _scope_="childpkg", depht=1))
    assert [p.key for p in found if p.severity == "error"] == ["model.x.depht"]


def test_a_class_that_reads_a_dicts_type_itself(other):
    found = other_problems(other, type="Picker", block_cfg=dict(type="Own", anything=1))
    assert summary(found) == [("note", "model.block_cfg.type")]
    assert "reads its type itself" in found[0].message
    # A registered name there may not be what is built: its keywords are not judged.
    found = other_problems(other, type="Picker", block_cfg=dict(type="Strict", anything=1))
    assert "error" not in {p.severity for p in found}


def test_keys_popped_through_attributes_copies_and_methods(other):
    found = other_problems(
        other,
        type="Holder",
        vision=dict(type="Strict", width=1, add_ln=True),
        ema=dict(type="Strict", width=1, start_iter=5),
    )
    assert "error" not in {p.severity for p in found}
    found = other_problems(
        other, type="Holder", vision=dict(type="Strict", width=1, add_lm=1), ema=None
    )
    assert [p.key for p in found if p.severity == "error"] == ["model.vision.add_lm"]


def test_a_registry_with_run_time_names_makes_unknown_names_notes_where_it_builds(other):
    from tests.index.projects import DYNPKG

    write_files(other, DYNPKG)
    # dynpkg's model registry takes every name of a library at run time (its registry is
    # imported inside the function that registers).
    cfg = Config(
        dict(
            default_scope="dynpkg", model=dict(type="Plain", depth=1, unet=dict(type="UNet2DModel"))
        )
    )
    found = check(cfg, index=static_index(cfg, path=[str(other)]))
    notes = [p for p in found if p.key == "model.unet.type"]
    assert [p.severity for p in notes] == ["note"]
    assert "the model registry also registers names at run time (dynpkg.models" in notes[0].message
    # childpkg's does not: there an unknown name stays an error.
    cfg = Config(dict(default_scope="childpkg", model=dict(type="UNet2DModel")))
    found = check(cfg, index=static_index(cfg, path=[str(other)]))
    assert ("error", "model.type") in summary(found)


def test_a_name_of_another_scope_the_config_builds_in_is_a_note(other):
    model = dict(
        type="Loose",
        head=dict(type="childpkg.Detector", backbone=None),
        helper=dict(type="FocalLoss"),  # childpkg's, handed to the head at run time
    )
    found = other_problems(other, **model)
    (problem,) = [p for p in found if p.key == "model.helper.type"]
    assert problem.severity == "note"
    assert "but in 'childpkg', which this config also builds in" in problem.message


def test_albumentations_wrappers_and_scopes_that_are_not_installed(other):
    found = other_problems(
        other,
        type="Loose",
        aug=dict(type="Albumentation", transforms=[dict(type="Blur")]),
        backbone=dict(type="mmcls.VisionTransformer"),
    )
    assert "error" not in {p.severity for p in found}
    (scoped,) = [p for p in found if p.key == "model.backbone.type"]
    assert scoped.severity == "note"
    assert "names the scope 'mmcls', which is not installed here" in scoped.message


def test_a_name_with_the_prefix_of_run_time_names_is_a_note(project):
    # childpkg registers `vision/<name>` for names only known at run time (in a function).
    found = problems(project, **{"model.head": dict(_delete_=True, type="vision/Blur")})
    (note,) = [p for p in found if p.key == "model.head.type"]
    assert note.severity == "note"
    assert "registers names at run time (childpkg.transforms, line" in note.message
    # Without the prefix it is an error (a capital, so not the lower-case rule either).
    found = problems(project, **{"model.head": dict(_delete_=True, type="Vision/Blur")})
    assert ("error", "model.head.type") in summary(found)
