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
