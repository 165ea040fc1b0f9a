"""``cfgkit lsp`` end to end on small configs: safety, failures, and the command itself."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.lsp.client import ROOT, Client
from tests.lsp.conftest import needs_pygls


@pytest.fixture
def client(tmp_path):
    needs_pygls()
    started = Client(cwd=str(tmp_path))
    yield started
    started.stop()


def test_the_command_says_what_to_install_without_pygls():
    code = (
        "import sys; sys.modules['pygls'] = None; from cfgkit.cli import main; "
        "sys.exit(main(['lsp']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 2
    assert 'pip install "cfgkit[lsp]"' in result.stderr


def test_initialize_answers_at_once_and_lists_the_features(client, tmp_path):
    started = time.perf_counter()
    capabilities = client.initialize(tmp_path)["capabilities"]
    assert time.perf_counter() - started < 10
    features = ("definition", "hover", "completion", "documentSymbol", "codeAction", "inlayHint")
    for feature in features:
        assert capabilities[f"{feature}Provider"]


def test_a_hostile_config_runs_nothing_and_the_server_keeps_serving(client, tmp_path):
    marker = tmp_path / "ran"
    hostile = tmp_path / "hostile.py"
    text = f"import os\nos.system('touch {marker}')\nmodel = dict(type='X')\n"
    hostile.write_text(text)
    good = tmp_path / "good.py"
    good.write_text("_base_ = ['hostile.py']\nlr = 0.1\n")
    client.initialize(tmp_path)
    mark = client.open(hostile)
    found = client.diagnostics(hostile, mark)
    assert len(found) == 1
    assert found[0]["severity"] == 1
    assert "safe" in found[0]["message"].lower()
    assert not marker.exists()
    # The server answers the next request, about a config that inherits the hostile one.
    assert client.at("textDocument/hover", good, 1, 0) is None
    mark = client.open(good)
    inherited = client.diagnostics(good, mark)
    assert [d["range"]["start"]["line"] for d in inherited] == [0]
    assert inherited[0]["message"].startswith("in a base: ")
    assert client.at("textDocument/documentSymbol", good, 0, 0) is not None
    assert not marker.exists()


def test_a_config_that_cannot_be_parsed_is_one_diagnostic_on_its_line(client, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("a = 1\nb = dict(\n")
    client.initialize(tmp_path)
    found = client.diagnostics(broken, client.open(broken))
    assert len(found) == 1
    assert found[0]["range"]["start"]["line"] in (1, 2)
    assert client.at("textDocument/definition", broken, 0, 0) is None


def test_trusted_workspaces_run_configs_as_python(client, tmp_path):
    config = tmp_path / "computed.py"
    config.write_text("import math\nlr = math.sqrt(4)\n")
    client.initialize(tmp_path, {"trusted": True})
    assert client.diagnostics(config, client.open(config)) == []
    hover = client.at("textDocument/hover", config, 1, 0)["contents"]["value"]
    assert "**lr** = `2.0`" in hover


def test_a_base_written_in_an_unsaved_buffer_is_used(client, tmp_path):
    base = tmp_path / "base.py"
    base.write_text("lr = 0.1\n")
    child = tmp_path / "child.py"
    child.write_text("_base_ = ['base.py']\nlr = 0.2\n")
    client.initialize(tmp_path)
    client.diagnostics(child, client.open(child))
    client.diagnostics(base, client.open(base, "lr = 0.5\nmomentum = 0.9\n"))
    hover = client.at("textDocument/hover", child, 1, 0)["contents"]["value"]
    assert "`0.5` at base.py:1 → `0.2` here, line 2" in hover
    found = client.at("textDocument/definition", child, 1, 0)
    assert found[0]["uri"].endswith("/base.py")
    items = client.at("textDocument/completion", tmp_path / "child.py", 0, 11)["items"]
    assert {i["label"] for i in items} == {"base.py"}


# A package the server reads and must never import (importing it raises), with a config
# folder as OpenMMLab wheels ship one.
TOYPKG = {
    "toypkg/__init__.py": "raise RuntimeError('toypkg must never be imported')\n",
    "toypkg/registry.py": (
        "from cfgkit.registry import Registry\n\n"
        "MODELS = Registry('model')\nTRANSFORMS = Registry('transform')\n"
    ),
    "toypkg/nets.py": '''\
from .registry import MODELS, TRANSFORMS


@MODELS.register_module()
class Net:
    """A small network.

    More detail that hover leaves out.
    """

    def __init__(self, depth, width=64, norm_cfg=dict(type='BN')):
        pass


@MODELS.register_module()
class Wide(Net):
    pass


@TRANSFORMS.register_module()
class Resize:
    def __init__(self, scale):
        pass


@MODELS.register_module()
class Tiny:
    def __init__(self, scale):
        pass
''',
    "toypkg/.mim/configs/_base_/net.py": "depth = 18\nmodel = dict(type='Net', depth=depth)\n",
}
CONFIG = """\
_base_ = ['toypkg::_base_/net.py']
default_scope = 'toypkg'
depth = 50
model = dict(type='Net', width=32)
pipeline = [dict(type='Resize', scale=2)]
name = '{{ _base_.depth }}'
"""


def write_project(folder):
    """Write ``toypkg`` and ``configs/net_50.py`` (CONFIG) under ``folder``; return the config."""
    for name, text in TOYPKG.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    config = folder / "configs" / "net_50.py"
    config.parent.mkdir()
    config.write_text(CONFIG)
    return config


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path)


@pytest.fixture
def toy(client, project, tmp_path):
    client.initialize(tmp_path)
    found = client.diagnostics(project, client.open(project))
    # model.depth was bound to `depth` in the base (18), and this config sets depth to 50.
    assert [(d["range"]["start"]["line"], d["code"], d["severity"]) for d in found] == [
        (2, "model.depth", 2)
    ]
    return project


def where(text, pattern, offset=0):
    start = text.index(pattern) + offset
    return text.count("\n", 0, start), start - (text.rfind("\n", 0, start) + 1)


def test_types_go_to_their_class_in_a_package_never_imported(client, toy, tmp_path):
    found = client.at("textDocument/definition", toy, *where(CONFIG, "'Net'", 1))
    assert found[0]["uri"].endswith("/toypkg/nets.py")
    assert found[0]["range"]["start"]["line"] == 4  # class Net:
    found = client.at("textDocument/definition", toy, *where(CONFIG, "'Resize'", 1))
    assert found[0]["range"]["start"]["line"] == 20


def test_hover_on_a_type_shows_signature_registry_and_first_paragraph(client, toy):
    hover = client.at("textDocument/hover", toy, *where(CONFIG, "'Net'", 1))["contents"]["value"]
    assert "class Net(depth, width=64, norm_cfg=dict(type='BN'))" in hover
    assert "registry `model` (scope `toypkg`)" in hover
    assert "A small network." in hover
    assert "More detail" not in hover


def test_hover_on_a_key_follows_it_through_the_package_base(client, toy):
    hover = client.at("textDocument/hover", toy, *where(CONFIG, "depth = 50"))
    text = hover["contents"]["value"]
    assert text.startswith("**depth** = `50`")
    assert "`18` at ../toypkg/.mim/configs/_base_/net.py:1 → `50` here, line 3" in text


def test_a_stale_copy_is_noted_in_hover(client, toy):
    hover = client.at("textDocument/hover", toy, *where(CONFIG, "depth = 50"))["contents"]
    assert "⚠ `model.depth` still holds a copy of the old value `18` (bound at " in hover["value"]
    hover = client.at("textDocument/hover", toy, *where(CONFIG, "width=32"))["contents"]
    assert "`32` here, line 4" in hover["value"]
    assert "⚠" not in hover["value"]


def test_base_references_go_to_the_line_that_set_them(client, toy):
    found = client.at("textDocument/definition", toy, *where(CONFIG, "_base_.depth", 8))
    assert found[0]["uri"].endswith("/toypkg/.mim/configs/_base_/net.py")
    assert found[0]["range"]["start"]["line"] == 0
    found = client.at("textDocument/definition", toy, *where(CONFIG, "depth = 50"))
    assert found[0]["uri"].endswith("_base_/net.py")  # the value this line overrides


def test_completion_of_types_keywords_and_package_bases(client, toy):
    items = client.at("textDocument/completion", toy, *where(CONFIG, "'Net'", 1))["items"]
    assert {i["label"] for i in items} == {"Net", "Wide", "Tiny"}  # under model: no Resize
    items = client.at("textDocument/completion", toy, *where(CONFIG, "'Resize'", 1))["items"]
    assert {i["label"] for i in items} == {"Resize"}
    edited = CONFIG.replace("width=32)", "width=32, )")
    client.change(toy, edited)
    items = client.at("textDocument/completion", toy, *where(edited, "width=32, ", 10))["items"]
    assert {i["label"]: i.get("detail") for i in items} == {
        "depth": "inherited: 18 (configs/_base_/net.py:2)",
        "norm_cfg": "Net(norm_cfg=dict(type='BN'))",
    }
    assert {i["insertText"] for i in items} == {"depth=", "norm_cfg="}
    edited = CONFIG.replace("'toypkg::_base_/net.py'", "'toypkg::_base_/")
    client.change(toy, edited)
    items = client.at("textDocument/completion", toy, 0, len("_base_ = ['toypkg::_base_/"))
    assert [i["label"] for i in items["items"]] == ["toypkg::_base_/net.py"]


def test_a_misspelt_type_is_an_error_with_a_quick_fix(client, toy):
    edited = CONFIG.replace("type='Net'", "type='Nett'")
    diagnostics = client.diagnostics(toy, client.change(toy, edited))
    assert [d["code"] for d in diagnostics] == ["model.type", "model.depth"]
    assert diagnostics[0]["message"].startswith("'Nett' is not registered in scope 'toypkg'")
    assert diagnostics[0]["range"] == {
        "start": {"line": 3, "character": 19}, "end": {"line": 3, "character": 23}
    }  # fmt: skip
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": toy.as_uri()},
            "range": diagnostics[0]["range"],
            "context": {"diagnostics": diagnostics[:1]},
        },
    )
    assert [a["edit"]["changes"][toy.as_uri()][0]["newText"] for a in actions] == ["Net"]


def test_a_problem_written_in_a_base_shows_in_the_open_base(client, toy, tmp_path):
    # The child makes the base's `depth=` wrong: Tiny takes no depth.
    base = tmp_path / "toypkg/.mim/configs/_base_/net.py"
    # Alone, the base is checked in the scope of the package holding it (Net is found).
    assert client.diagnostics(base, client.open(base)) == []
    edited = CONFIG.replace("model = dict(type='Net', width=32)", "model = dict(type='Tiny')")
    mark = client.change(toy, edited)
    in_base = client.diagnostics(base, mark)
    assert [(d["range"]["start"]["line"], d["code"]) for d in in_base] == [(1, "model.depth")]
    assert [d["code"] for d in client.diagnostics(toy, mark)] == ["model", "model.depth"]


def test_symbols_are_the_key_tree(client, toy):
    document = {"textDocument": {"uri": toy.as_uri()}}
    symbols = client.request("textDocument/documentSymbol", document)
    assert [s["name"] for s in symbols] == [
        "_base_",
        "default_scope",
        "depth",
        "model",
        "pipeline",
        "name",
    ]
    pipeline = symbols[4]["children"]
    assert [(s["name"], s.get("detail")) for s in pipeline] == [("[0]", "Resize")]


def test_an_inheritance_cycle_and_a_huge_file_are_one_diagnostic_each(client, tmp_path):
    first = tmp_path / "a.py"
    first.write_text("_base_ = ['b.py']\n")
    (tmp_path / "b.py").write_text("_base_ = ['a.py']\n")
    huge = tmp_path / "huge.py"
    huge.write_text("x = 1\n" * 400_000)
    client.initialize(tmp_path)
    cycle = client.diagnostics(first, client.open(first))
    assert len(cycle) == 1
    assert "cycle" in cycle[0]["message"]
    too_big = client.diagnostics(huge, client.open(huge))
    assert [d["message"] for d in too_big] == [
        f"{huge} is larger than 2000000 characters: not read"
    ]
    assert client.at("textDocument/hover", huge, 0, 0) is None
    assert client.at("textDocument/documentSymbol", first, 0, 0) is not None


def test_a_deeply_nested_config_does_not_take_the_server_down(client, tmp_path):
    deep = tmp_path / "deep.py"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    fine = tmp_path / "fine.py"
    fine.write_text("lr = 0.1\n")
    client.initialize(tmp_path)
    assert len(client.diagnostics(deep, client.open(deep))) == 1
    assert client.at("textDocument/hover", deep, 0, 0) is None
    assert client.diagnostics(fine, client.open(fine)) == []
    assert "**lr** = `0.1`" in client.at("textDocument/hover", fine, 0, 0)["contents"]["value"]


def test_a_base_that_is_a_device_is_not_read(client, tmp_path):
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    config = tmp_path / "config.py"
    config.write_text("_base_ = ['zero.py']\nlr = 0.1\n")
    client.initialize(tmp_path)
    found = client.diagnostics(config, client.open(config))
    assert [d["message"] for d in found] == [
        f"{tmp_path / 'zero.py'} is not a regular file: not read"
    ]
