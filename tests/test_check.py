"""cfgkit check: every mistake in a config, before anything is built."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Literal, Optional, Union

import pytest

import cfgkit
from cfgkit import Config
from cfgkit.checking import check
from cfgkit.cli import main
from cfgkit.registry import Registry

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
CHILD = "toydet_mlp-large_voc-24e.py"


@pytest.fixture(scope="module", autouse=True)
def example_registries():
    sys.path.insert(0, str(EXAMPLES))
    import toydet.registry  # noqa: F401 - creates the registries the configs build with

    yield
    sys.path.remove(str(EXAMPLES))


@pytest.fixture
def project(tmp_path):
    """A copy of the example configs to plant faults in."""
    shutil.copytree(EXAMPLES / "configs", tmp_path / "configs")
    return tmp_path / "configs"


def found(cfg):
    return {
        (p.severity, p.key, Path(p.filename).name if p.filename else None, p.lineno, p.message)
        for p in check(cfg)
    }


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def test_example_configs_that_build_have_no_errors():
    for name in ("toydet_mlp_voc.py", CHILD):
        problems = check(Config.fromfile(EXAMPLES / "configs" / name))
        assert [p for p in problems if p.severity != "note"] == [], name
        assert {p.message.split("'")[1] for p in problems} == {"out_features", "params"}


MODELS_BASE = "_base_/models/toydet_mlp.py"
DATA_BASE = "_base_/datasets/toy_voc.py"


def fault(file, text, replacement, severity, key, marker, words, name):
    """A planted fault: replace ``text`` in ``file``; expect one new problem of ``severity``
    at ``key``, on the line holding ``marker``, whose message holds ``words``."""
    return pytest.param(file, text, replacement, severity, key, marker, words, id=name)


FAULTS = [
    fault(CHILD, "type='MultiLayerPerceptron'", "type='MultiLayerPerceptorn'", "error",
          "model.backbone.type", "MultiLayerPerceptorn", "'MultiLayerPerceptorn'",
          "type-in-child"),
    fault(CHILD, "widths=[64, 512, 512]", "widht=[64, 512, 512]", "error",
          "model.backbone.widht", "widht=", "no parameter 'widht'", "keyword-in-child"),
    fault(CHILD, "optimizer = dict(lr=0.02)", "optimizer = dict(lr='fast')", "warning",
          "optimizer.lr", "lr='fast'", "'fast' does not match", "value-in-child"),
    fault(CHILD, "head=dict(in_features=512))", "head=dict(_delete_=True, type='Head'))", "note",
          "model.head", "_delete_=True", "needs 'in_features'", "required-in-child"),
    fault(MODELS_BASE, "type='Head'", "type='Haed'", "error",
          "model.head.type", "Haed", "'Haed'", "type-two-levels-up"),
    fault(MODELS_BASE, "num_classes=20,", "num_clases=20,", "error",
          "model.num_clases", "num_clases", "no parameter 'num_clases'", "keyword-two-levels-up"),
    fault(DATA_BASE, "num_samples=5011,", "num_samples='many',", "warning",
          "train_dataloader.dataset.num_samples", "num_samples='many'", "'many' does not match",
          "value-two-levels-up"),
    fault(DATA_BASE, "        num_samples=5011,\n", "", "note",
          "train_dataloader.dataset", "dataset=dict(", "needs 'num_samples'",
          "required-two-levels-up"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "text", "replacement", "severity", "key", "marker", "words"), FAULTS
)
def test_each_planted_fault_is_found_where_it_was_planted_and_nothing_else(
    project, file, text, replacement, severity, key, marker, words
):
    baseline = found(Config.fromfile(project / CHILD))
    target = project / file
    source = target.read_text()
    assert text in source
    target.write_text(source.replace(text, replacement))
    new = found(Config.fromfile(project / CHILD)) - baseline
    assert len(new) == 1, new
    [(got_severity, got_key, got_file, got_line, message)] = new
    assert (got_severity, got_key, got_file) == (severity, key, target.name)
    assert got_line == line_of(target, marker)
    assert words in message


def test_misspelt_names_get_suggestions(project):
    child = project / CHILD
    child.write_text(child.read_text().replace("MultiLayerPerceptron", "MultiLayerPerceptorn"))
    [problem] = [p for p in check(Config.fromfile(child)) if p.severity == "error"]
    assert problem.suggestion == "Did you mean 'MultiLayerPerceptron'?"


def test_check_costs_a_few_milliseconds_beyond_loading():
    cfg = Config.fromfile(EXAMPLES / "configs" / CHILD)
    check(cfg)  # warm: registries' locations imported once
    start = time.perf_counter()
    for _ in range(20):
        check(cfg)
    assert (time.perf_counter() - start) / 20 < 0.05


class Annotated:
    def __init__(
        self,
        count: int,
        ratio: float = 1.0,
        name: Optional[str] = None,
        mode: Literal["a", "b"] = "a",
        sizes: list[int] = (),  # type: ignore[assignment]
        pair: tuple[int, str] = (0, ""),
        either: Union[int, str] = 0,
        anything=None,
    ):
        pass


class Open:
    def __init__(self, required, **kwargs):
        pass


@pytest.fixture
def demo():
    registry = Registry("model", scope="check_demo")
    registry.register_module(module=Annotated)
    registry.register_module(module=Open)
    return registry


def problems_for(demo, **node):
    return [(p.severity, p.key, p.message) for p in check(Config(dict(m=node)), registries=[demo])]


@pytest.mark.parametrize(
    ("node", "bad_key"),
    [
        pytest.param({"count": "3"}, "count", id="str-for-int"),
        pytest.param({"count": 3, "ratio": "x"}, "ratio", id="str-for-float"),
        pytest.param({"count": 3, "name": 5}, "name", id="int-for-optional-str"),
        pytest.param({"count": 3, "mode": "c"}, "mode", id="not-in-literal"),
        pytest.param({"count": 3, "sizes": [1, "x"]}, "sizes", id="list-element"),
        pytest.param({"count": 3, "sizes": 5}, "sizes", id="not-a-list"),
        pytest.param({"count": 3, "pair": (1, 2)}, "pair", id="tuple-position"),
        pytest.param({"count": 3, "either": 1.5}, "either", id="union"),
        pytest.param({"count": None}, "count", id="none-for-int"),
    ],
)
def test_values_that_contradict_annotations_are_warnings(demo, node, bad_key):
    problems = problems_for(demo, type="Annotated", **node)
    assert [p[:2] for p in problems] == [("warning", f"m.{bad_key}")]
    assert "does not match the annotation of Annotated." in problems[0][2]


@pytest.mark.parametrize(
    "node",
    [
        pytest.param({"count": 3, "ratio": 2}, id="int-for-float"),
        pytest.param({"count": 3, "name": None}, id="none-for-optional"),
        pytest.param({"count": 3, "sizes": (1, 2)}, id="tuple-for-list"),
        pytest.param({"count": 3, "either": "s", "anything": object()}, id="union-and-unannotated"),
        pytest.param({"count": True}, id="bool-is-an-int"),
    ],
)
def test_values_that_fit_are_fine(demo, node):
    assert problems_for(demo, type="Annotated", **node) == []


def test_kwargs_accept_any_key_and_required_arguments_are_notes(demo):
    assert problems_for(demo, type="Open", anything=1) == [
        ("note", "m", "Open needs 'required', which the config does not give (the caller may "
                      "pass it through default_args)")
    ]  # fmt: skip


def test_types_given_as_classes_and_scoped_names(demo):
    assert problems_for(demo, type=Annotated, count=1) == []
    assert problems_for(demo, type="check_demo.Annotated", count=1) == []
    [(severity, key, _)] = problems_for(demo, type="other_scope.Annotated", count=1)
    assert (severity, key) == ("error", "m.type")


def test_check_is_exported_lazily():
    assert cfgkit.check is check


def run(argv, capsys):
    status = main(argv)
    return status, capsys.readouterr()


def test_command_prints_compiler_style_lines_and_exits_1_on_errors(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    child = project / CHILD
    child.write_text(child.read_text().replace("widths=", "widht="))
    status, out = run(["check", CHILD, "--import", "toydet.registry"], capsys)
    assert status == 1
    line = line_of(child, "widht=")
    expected = f"{CHILD}:{line}: model.backbone.widht: error: MLP has no parameter 'widht'."
    assert f"{expected} Did you mean 'widths'?" in out.out.splitlines()


def test_command_exits_0_without_errors_and_2_when_the_config_cannot_load(capsys, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    assert run(["check", f"configs/{CHILD}", "--import", "toydet.registry"], capsys)[0] == 0
    status, out = run(["check", "configs/missing.py"], capsys)
    assert status == 2
    assert "does not exist" in out.err


def test_problems_without_a_file_print_without_a_location(demo):
    cfg = Config(dict(model=dict(type="Nope")))
    (problem,) = [p for p in check(cfg, [demo]) if p.key == "model.type"]
    assert problem.filename is None
    assert str(problem).startswith("model.type: error: 'Nope' is not registered")
    located = cfgkit.checking.Problem("error", "a.b", "/x/cfg.py", 3, "bad")
    assert str(located) == "/x/cfg.py:3: a.b: error: bad"
    assert located.format(lambda path: path.rsplit("/", 1)[-1]) == "cfg.py:3: a.b: error: bad"


def test_a_dotted_type_that_build_would_import_is_a_note():
    from cfgkit import Config, check

    problems = check(Config(dict(optimizer=dict(type="json.JSONDecoder"))), registries=[])
    assert [(p.severity, p.key) for p in problems] == [("note", "optimizer.type")]
    assert "building imports it as a path" in problems[0].message
    missing = check(Config(dict(optimizer=dict(type="no_such_pkg_xyz.SGD"))), registries=[])
    assert [p.severity for p in missing] == ["error"]
