"""`cfgkit check` on an install as users have them: a dependency that is not installed (mmcv
without torch), a scope whose package is missing, options that caused a problem, output
quietened, and a pause for a cold index that says what it is doing."""

from __future__ import annotations

import io
import json
import sys
import time

import pytest

from cfgkit.cli import main
from cfgkit.cli._common import progress
from tests.files import write_files
from tests.index.projects import BASEPKG, CHILDPKG, CONFIGS

# childpkg as an installed distribution that needs mmcv (as mmdet does, in its `mim`
# extra) and names a test-only package that is not needed to use it.
DISTRIBUTION = {
    "childpkg-1.0.dist-info/METADATA": """\
        Metadata-Version: 2.1
        Name: childpkg
        Version: 1.0
        Requires-Dist: mmcv <2.2.0,>=2.0.0rc4 ; extra == 'mim'
        Requires-Dist: mmtrack ; extra == 'tests'
        """,
    "childpkg-1.0.dist-info/top_level.txt": "childpkg\n",
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    write_files(tmp_path, {**BASEPKG, **CHILDPKG, **CONFIGS})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    return tmp_path


@pytest.fixture
def installed(project):
    """The project with childpkg installed as a distribution that requires mmcv."""
    write_files(project, DISTRIBUTION)
    return project


def run(capsys, *argv):
    status = main(["check", *argv])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_a_required_package_that_is_not_installed_is_said_once_and_its_names_are_notes(
    installed, capsys
):
    (installed / "configs/child.py").write_text(
        "_base_ = ['./_base_/model.py']\nmodel = dict(neck=dict(type='ConvModule'))\n"
    )
    status, out, _ = run(capsys, "configs/child.py", "configs/child.py")
    assert status == 0
    said = [line for line in out if "not installed here" in line and "requires" in line]
    assert said == [
        "configs/_base_/runtime.py:1: default_scope: warning: childpkg requires "
        "mmcv<2.2.0,>=2.0.0rc4, which is not installed here, so what mmcv registers is unknown "
        "(unknown types are notes). Install mmcv, or read its sources without installing it: "
        "pip download --no-deps --no-binary :all: --no-build-isolation 'mmcv<2.2.0,>=2.0.0rc4', "
        "unpack the archive and pass --scan FOLDER/mmcv (docs/check.md)"
    ]
    assert not [line for line in out if "mmtrack" in line]  # only for childpkg's tests
    (note,) = [line for line in out if "model.neck.type" in line]
    assert note.endswith(
        "model.neck.type: note: 'ConvModule' is not registered in the scanned packages; it "
        "may be registered in mmcv, which is not installed here"
    )


def test_a_scope_whose_package_is_not_installed_checks_nothing_and_says_so(
    tmp_path, monkeypatch, capsys
):
    write_files(tmp_path, {"seg.py": "default_scope = 'mmseg'\nmodel = dict(type='Nope')\n"})
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "seg.py")
    assert status == 3
    assert out == [
        "seg.py:1: default_scope: warning: no registry of scope 'mmseg' was found (scanned: "
        "nothing), so types were not checked. Install mmsegmentation (pip install "
        "mmsegmentation), or pass --scan FOLDER (its sources) or --import MODULE (to import "
        "its registries)"
    ]


def test_errors_win_over_nothing_checked_and_a_load_error_over_both(tmp_path, monkeypatch, capsys):
    write_files(
        tmp_path,
        {
            "seg.py": "default_scope = 'mmseg'\n",
            "bad.py": "model = dict(type=1)\n",
            "broken.py": "x = (\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "seg.py", "bad.py", "--scan", str(tmp_path))[0] == 1
    assert run(capsys, "seg.py", "bad.py", "broken.py", "--scan", str(tmp_path))[0] == 2


def test_a_problem_an_option_caused_is_reported_at_the_option(project, capsys):
    status, out, _ = run(capsys, "configs/child.py", "--cfg-options", "model.backbone.type=ResNt")
    assert status == 1
    assert "--cfg-options: model.backbone.type: error: 'ResNt' is not registered" in "\n".join(out)
    _, out, _ = run(
        capsys, "configs/child.py", "--cfg-options", "model.backbone.type=ResNt", "--format", "json"
    )
    (row,) = [r for r in json.loads("\n".join(out)) if r["severity"] == "error"]
    assert (row["file"], row["line"]) == ("--cfg-options", None)
    _, out, _ = run(
        capsys,
        "configs/child.py",
        "--cfg-options",
        "model.backbone.type=ResNt",
        "--format",
        "github",
    )
    # An annotation needs a file of the pull request: an option has none.
    assert any(line.startswith("::error title=model.backbone.type::") for line in out)


def test_a_line_never_shows_line_zero(tmp_path, monkeypatch, capsys):
    write_files(
        tmp_path,
        {
            "zreg/__init__.py": "from cfgkit.registry import Registry\n"
            "MODELS = Registry('model', scope='zreg')\n",
            "zero_base.py": "default_scope = 'zreg'\nmodel = dict(type='NoSuchTypeAnywhere')\n",
            "zero_child.py": "from cfgkit.config import read_base\n"
            "with read_base():\n    from .zero_base import *\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    _, out, err = run(capsys, "zero_child.py", "--scan", "zreg")
    assert out, err
    assert not [line for line in out if ":0:" in line]


def test_severity_and_quiet_choose_what_is_printed_not_the_status(project, capsys):
    options = ["--cfg-options", "model.backbone.type=ResNt", "optim_wrapper.optimizer.type=Lion"]
    status, out, _ = run(capsys, "configs/child.py", *options)
    assert status == 1
    assert {line.split(": ")[2] for line in out} >= {"error", "note"}
    for quiet in (["-q"], ["--quiet"], ["--severity", "error"]):
        status, out, _ = run(capsys, "configs/child.py", *options, *quiet)
        assert status == 1
        assert [line.split(": ")[2] for line in out] == ["error"]
    status, out, _ = run(capsys, "configs/child.py", "--severity", "warning")
    assert (status, out) == (0, [])


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_slow_step_shows_a_progress_line_on_a_terminal_and_erases_it():
    shown = Terminal()
    with progress(shown, "check: reading", after=0.01):
        time.sleep(0.2)
    assert shown.getvalue() == "cfgkit check: reading...\r\033[K"
    quick = Terminal()
    with progress(quick, "check: reading", after=5):
        pass
    assert quick.getvalue() == ""
    piped = io.StringIO()
    with progress(piped, "check: reading", after=0):
        time.sleep(0.05)
    assert piped.getvalue() == ""


def test_a_config_without_a_default_scope_still_hears_of_a_missing_dependency(installed, capsys):
    (installed / "configs/noscope.py").write_text("model = dict(type='Nope')\n")
    status, out, err = run(capsys, "configs/noscope.py")
    assert err == ""
    assert status in (0, 1)
    said = [line for line in out if "requires mmcv" in line]
    # Nothing in the config wrote `default_scope`: the warning names no file or line.
    assert said
    assert said[0].startswith("default_scope: warning: childpkg requires mmcv")
