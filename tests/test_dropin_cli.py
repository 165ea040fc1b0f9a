"""``cfgkit run`` and ``cfgkit hook``: the launcher and the ``.pth`` switch of the drop-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cfgkit.cli import main
from cfgkit.cli._dropin import PTH_LINE, PTH_NAME

ROOT = Path(__file__).parents[1]


def python(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run this Python (cfgkit from this tree) with ``args``; the variable only as given."""
    environment = {k: v for k, v in os.environ.items() if k != "CFGKIT_MMENGINE"}
    environment.update(env)
    search = [str(ROOT), environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(p for p in search if p)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "tool.py"
    path.write_text(
        textwrap.dedent(
            """
            import json, os, sys
            import cfgkit.mmengine_hook as hook
            if 'exit' in sys.argv:
                sys.exit(int(sys.argv[-1]))
            if 'fail' in sys.argv:
                raise ValueError('the tool failed')
            print(json.dumps({'name': __name__, 'argv': sys.argv, 'path0': sys.path[0],
                              'env': os.environ.get('CFGKIT_MMENGINE'),
                              'requested': hook.installed()['requested'],
                              'style': hook.installed()['style']}))
            """
        ),
        encoding="utf-8",
    )
    return path


def test_run_runs_the_script_as_main_with_the_hook_on(script):
    done = python("-m", "cfgkit", "run", str(script), "--work-dir", "x", "--flag")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found == {
        "name": "__main__",
        "argv": [str(script), "--work-dir", "x", "--flag"],
        "path0": str(script.parent),
        "env": "1",
        "requested": "config",
        "style": "yapf",
    }


def test_run_with_registry_and_style_passes_both_on(script):
    done = python("-m", "cfgkit", "run", "--registry", "--style", "cfgkit", str(script))
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert (found["env"], found["requested"], found["style"]) == ("registry", "registry", "cfgkit")


@pytest.mark.parametrize(
    ("args", "status", "stderr"),
    [
        pytest.param(("exit", "3"), 3, "", id="exit-status"),
        pytest.param(("exit", "0"), 0, "", id="exit-zero"),
        pytest.param(("fail",), 1, "ValueError: the tool failed", id="script-error"),
    ],
)
def test_run_gives_the_scripts_own_status_and_traceback(script, args, status, stderr):
    done = python("-m", "cfgkit", "run", str(script), *args)
    assert done.returncode == status
    assert stderr in done.stderr
    if stderr:
        assert "Traceback (most recent call last)" in done.stderr


def test_run_names_a_missing_script(tmp_path, capsys):
    missing = tmp_path / "nope.py"
    assert main(["run", str(missing)]) == 2
    assert (
        capsys.readouterr().err == f"cfgkit run: error: cannot run {str(missing)!r}: no such file\n"
    )


def test_hook_enable_writes_the_pth_line_and_disable_removes_it(tmp_path, capsys):
    assert main(["hook", "--dir", str(tmp_path)]) == 0
    assert "not enabled" in capsys.readouterr().out
    assert main(["hook", "--enable", "--dir", str(tmp_path)]) == 0
    pth = tmp_path / PTH_NAME
    assert pth.read_text(encoding="utf-8") == PTH_LINE
    assert capsys.readouterr().out.startswith(f"wrote {pth}: ")
    assert main(["hook", "--dir", str(tmp_path)]) == 0
    assert f"{pth}: enabled;" in capsys.readouterr().out
    assert main(["hook", "--disable", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"removed {pth}\n"
    assert not pth.exists()
    assert main(["hook", "--disable", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"nothing to remove: {pth} does not exist\n"


def test_hook_enable_and_disable_exclude_each_other(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["hook", "--enable", "--disable", "--dir", str(tmp_path)])
    assert "not allowed with argument" in capsys.readouterr().err


def test_hook_into_a_folder_it_cannot_write_is_one_line(tmp_path, capsys):
    assert main(["hook", "--enable", "--dir", str(tmp_path / "missing")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("cfgkit hook: error: ")
    assert "No such file or directory" in error


# The .pth file as site processes it at start-up (site.addsitedir runs its `import` line).
STARTUP = """
import json, site, sys
before = set(sys.modules)
site.addsitedir(sys.argv[1])
hook = sys.modules.get('cfgkit.mmengine_hook')
print(json.dumps({'imported': sorted(m for m in set(sys.modules) - before
                                     if m.split('.')[0] in ('cfgkit', 'mmengine')),
                  'installed': hook.installed() if hook else None}))
"""


@pytest.mark.parametrize("value", [None, "", "0"], ids=["unset", "empty", "zero"])
def test_pth_line_imports_nothing_when_the_variable_is_off(tmp_path, value):
    (tmp_path / PTH_NAME).write_text(PTH_LINE, encoding="utf-8")
    env = {} if value is None else {"CFGKIT_MMENGINE": value}
    done = python("-c", STARTUP, str(tmp_path), **env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"imported": [], "installed": None}


@pytest.mark.parametrize(("value", "requested"), [("1", "config"), ("registry", "registry")])
def test_pth_line_installs_the_hook_when_the_variable_is_set(tmp_path, value, requested):
    (tmp_path / PTH_NAME).write_text(PTH_LINE, encoding="utf-8")
    done = python("-c", STARTUP, str(tmp_path), CFGKIT_MMENGINE=value)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert "cfgkit.mmengine_hook" in found["imported"]
    assert not any(name.startswith("mmengine") for name in found["imported"])
    assert found["installed"]["requested"] == requested


def test_pth_line_warns_once_about_a_value_it_does_not_know(tmp_path):
    (tmp_path / PTH_NAME).write_text(PTH_LINE, encoding="utf-8")
    done = python("-c", STARTUP, str(tmp_path), CFGKIT_MMENGINE="yes")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["installed"]["requested"] is None
    assert done.stderr.count("RuntimeWarning") == 1
    assert "cfgkit: CFGKIT_MMENGINE='yes' is not 1, config or registry" in done.stderr


def test_pth_line_is_quiet_when_cfgkit_is_gone(tmp_path):
    # As after `pip uninstall cfgkit`, which leaves the file: the line names a package that
    # cannot be found (an editable install's finder would still find cfgkit here).
    line = PTH_LINE.replace("'cfgkit", "'cfgkit_uninstalled")
    assert line.count("cfgkit_uninstalled") == 2
    (tmp_path / PTH_NAME).write_text(line, encoding="utf-8")
    done = python("-c", STARTUP, str(tmp_path), CFGKIT_MMENGINE="1")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout) == {"imported": [], "installed": None}
