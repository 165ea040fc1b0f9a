"""The editor setups in ``editors/``: Neovim's built-in client driven headless (skipped where
Neovim is not installed), and the VS Code extension's manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.lsp.client import ROOT
from tests.lsp.conftest import needs_pygls
from tests.lsp.test_server import write_project

NEOVIM_SCRIPT = """\
vim.cmd("filetype on")
package.path = "{lua}/?.lua;" .. package.path
require("cfgkit").setup({{ cmd = {{ "{python}", "-m", "cfgkit", "lsp" }} }})
vim.cmd("edit {config}")
local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 100)
local result = {{ diagnostics = {{}}, definition = vim.NIL, hover = vim.NIL }}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(result.diagnostics, {{ lnum = d.lnum, message = d.message }})
end
local params = {{ textDocument = {{ uri = vim.uri_from_bufnr(0) }},
                 position = {{ line = 3, character = 20 }} }}
local answers = vim.lsp.buf_request_sync(0, "textDocument/definition", params, 20000) or {{}}
for _, answer in pairs(answers) do result.definition = answer.result end
answers = vim.lsp.buf_request_sync(0, "textDocument/hover", params, 20000) or {{}}
for _, answer in pairs(answers) do result.hover = answer.result end
vim.fn.writefile({{ vim.fn.json_encode(result) }}, "{output}")
vim.lsp.stop_client(vim.lsp.get_active_clients())
vim.wait(2000)
vim.cmd("qa!")
"""


def test_neovim_goes_to_definition_and_shows_diagnostics(tmp_path):
    needs_pygls()
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("Neovim is not installed (apt-get install neovim)")
    config = write_project(tmp_path)
    output = tmp_path / "result.json"
    script = tmp_path / "drive.lua"
    script.write_text(
        NEOVIM_SCRIPT.format(
            lua=ROOT / "editors" / "neovim", python=sys.executable, config=config, output=output
        )
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run(
        [nvim, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {script}"],
        cwd=tmp_path, env=env, timeout=180, check=False, capture_output=True,
    )  # fmt: skip
    assert output.exists(), "Neovim wrote no result"
    result = json.loads(output.read_text())
    assert [d["lnum"] for d in result["diagnostics"]] == [2]  # the stale copy of depth
    assert "a stale copy of `depth`" in result["diagnostics"][0]["message"]
    definition = result["definition"][0]
    assert definition["uri"].endswith("/toypkg/nets.py")
    assert definition["range"]["start"]["line"] == 4
    assert "class Net(depth, width=64" in result["hover"]["contents"]["value"]


def test_the_vscode_extension_starts_cfgkit_lsp():
    folder = ROOT / "editors" / "vscode"
    manifest = json.loads((folder / "package.json").read_text())
    assert manifest["main"] == "./out/extension.js"
    assert "vscode-languageclient" in manifest["dependencies"]
    settings = manifest["contributes"]["configuration"]["properties"]
    assert {"cfgkit.command", "cfgkit.trusted", "cfgkit.path"} <= set(settings)
    source = (folder / "src" / "extension.ts").read_text()
    assert '"lsp"' in source
    assert "vscode.workspace.isTrusted" in source
