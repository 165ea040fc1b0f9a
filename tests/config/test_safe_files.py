"""Safe mode reads only files inside its roots, and every load uses a bounded number of bases.

In safe mode a config cannot pull a file from outside its folder into its values (absolute,
``~`` and ``..`` bases, symbolic links, ``/proc``): the real path of every file read must be
inside the entry config's folder, a ``safe_root=`` folder, or the configs folder of a
package named by a ``pkg::`` base. Normal loads are unchanged. In every mode, a load uses at
most ``MAX_BASES_PER_LOAD`` bases counted as they are loaded, and a pure-Python base imported
again is not run again. The inputs that would run for hours run in a limited child process.
"""

from __future__ import annotations

import os

import pytest

from cfgkit import Config, errors
from cfgkit.cli import main
from cfgkit.config._load import pure_python
from cfgkit.config._load.files import MAX_BASES_PER_LOAD
from tests.files import write_files
from tests.limited import run_limited

READ_BASE = "from mmengine.config import read_base\nwith read_base():\n"


@pytest.fixture
def project(tmp_path):
    """A secret outside the config folder, and a config folder with a base in it."""
    write_files(
        tmp_path,
        {
            "secret/token.json": '{"token": "s3cret"}\n',
            "secret/token.py": "token = 's3cret'\n",
            "configs/_base_/model.py": "model = dict(depth=50)\n",
        },
    )
    return tmp_path


@pytest.mark.parametrize(
    ("base", "shown"),
    [
        pytest.param("{root}/secret/token.json", r"secret/token\.json", id="absolute"),
        pytest.param("../secret/token.json", r"secret/token\.json", id="dot-dot"),
        pytest.param("~/token.json", r"token\.json", id="home"),
        pytest.param(
            "/proc/self/environ", r"/proc/self/environ \(the file /proc/\d+/environ\)", id="proc"
        ),
        pytest.param("link.json", r"link\.json \(the file .*secret/token\.json\)", id="symlink"),
    ],
)
def test_a_safe_load_refuses_a_base_outside_the_config_folder(project, base, shown):
    os.symlink(project / "secret/token.json", project / "configs/link.json")
    child = write_files(
        project, {"configs/child.py": f"a = 1\n_base_ = ['{base.format(root=project)}']\n"}
    )
    with pytest.raises(
        errors.UnsafeConfigError, match=rf"{shown}, a base of .*child\.py, is not inside"
    ) as caught:
        Config.fromfile(child, safe=True)
    assert (caught.value.filename, caught.value.lineno) == (child, 2)


def test_a_normal_load_still_reads_bases_outside_the_folder(project):
    child = write_files(project, {"configs/child.py": "_base_ = ['../secret/token.py']\n"})
    assert Config.fromfile(child).token == "s3cret"


def test_a_safe_load_refuses_a_read_base_import_outside_the_folder(project):
    child = write_files(
        project, {"configs/sub/child.py": READ_BASE + "    from .._base_.model import *\n"}
    )
    with pytest.raises(
        errors.UnsafeConfigError, match=r"_base_/model\.py, a base of .*child\.py, is not inside"
    ) as caught:
        Config.fromfile(child, safe=True)
    assert caught.value.lineno == 3


def test_a_safe_load_refuses_a_config_that_links_outside_its_folder(project):
    os.symlink(project / "secret/token.json", project / "configs/config.json")
    with pytest.raises(errors.UnsafeConfigError, match=r"config\.json \(the file .*token\.json\)"):
        Config.fromfile(project / "configs/config.json", safe=True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("_base_ = ['../_base_/model.py']\n", id="classic"),
        pytest.param(READ_BASE + "    from .._base_.model import *\n", id="pure-python"),
    ],
)
def test_safe_root_lets_a_safe_load_read_a_wider_folder(project, text):
    child = write_files(project, {"configs/det/child.py": text})
    with pytest.raises(errors.UnsafeConfigError, match=r"model\.py, a base of"):
        Config.fromfile(child, safe=True)
    cfg = Config.fromfile(child, safe=True, safe_root=project / "configs")
    assert cfg.model.depth == 50
    assert cfg.to_dict() == Config.fromfile(child).to_dict()


def test_safe_root_needs_safe_mode(project):
    child = write_files(project, {"configs/child.py": "a = 1\n"})
    with pytest.raises(errors.ConfigTypeError, match=r"safe_root= .*pass safe=True"):
        Config.fromfile(child, safe_root=project)


def test_a_package_base_may_read_the_packages_configs_in_safe_mode(fake_package, project):
    child = write_files(project, {"configs/child.py": "_base_ = 'fakepkg::_base_/net.py'\n"})
    assert Config.fromfile(child, safe=True).to_dict() == Config.fromfile(child).to_dict()


def test_the_cli_takes_safe_root(project, capsys):
    child = write_files(project, {"configs/det/child.py": "_base_ = ['../_base_/model.py']\n"})
    assert main(["print", child, "--safe"]) == 2
    assert "is not inside" in capsys.readouterr().err
    assert main(["print", child, "--safe-root", str(project / "configs")]) == 0
    assert "depth=50" in capsys.readouterr().out


def test_a_million_bases_fail_at_once(tmp_path):
    write_files(tmp_path, {"b.py": "", "child.py": "_base_ = ['b.py'] * 10**6\n"})
    run_limited(
        f"""
        with pytest.raises(
            errors.ConfigParsingError, match=r"more than {MAX_BASES_PER_LOAD:,} base files"
        ) as caught:
            Config.fromfile('child.py')
        assert caught.value.filename.endswith('child.py')
        # Safe mode refuses the list itself first: it is over the expanded-size bound.
        with pytest.raises(errors.UnsafeConfigError, match=r"expanded size") as caught:
            Config.fromfile('child.py', safe=True)
        assert caught.value.filename.endswith('child.py')
        """,
        cwd=tmp_path,
    )


def write_diamond(folder, depth, pure):
    """``f<k>`` uses ``g<k>`` and ``h<k>``, which both use ``f<k-1>``: 2**depth uses of f0."""
    files = {"f0.py": "x0 = 0\n" if pure else ""}  # (classic sibling bases share no key)
    for k in range(1, depth + 1):
        if pure:
            files[f"g{k}.py"] = READ_BASE + f"    from .f{k - 1} import *\n"
            files[f"h{k}.py"] = READ_BASE + f"    from .f{k - 1} import *\n"
            files[f"f{k}.py"] = READ_BASE + f"    from .g{k} import *\n    from .h{k} import *\n"
        else:
            files[f"g{k}.py"] = f"_base_ = ['f{k - 1}.py']\n"
            files[f"h{k}.py"] = f"_base_ = ['f{k - 1}.py']\n"
            files[f"f{k}.py"] = f"_base_ = ['g{k}.py', 'h{k}.py']\n"
    write_files(folder, files)


@pytest.mark.parametrize("pure", [False, True], ids=["classic", "pure-python"])
def test_a_diamond_of_30_levels_fails_at_once(tmp_path, pure):
    write_diamond(tmp_path, 30, pure)
    run_limited(
        """
        for safe in (False, True):
            with pytest.raises(errors.ConfigParsingError, match=r"more than 10,000 base files"):
                Config.fromfile('f30.py', safe=safe)
        """,
        cwd=tmp_path,
    )


def test_a_classic_diamond_counts_every_use_of_a_base(tmp_path):
    files = {"f0.py": ""}
    for k in range(1, 16):
        files[f"g{k}.py"] = f"_base_ = ['f{k - 1}.py']\n"
        files[f"f{k}.py"] = f"_base_ = ['g{k}.py', 'f{k - 1}.py']\n"
    write_files(tmp_path, files)
    assert Config.fromfile(tmp_path / "f8.py").to_dict() == {}
    with pytest.raises(errors.ConfigParsingError, match=r"more than 10,000 base files"):
        Config.fromfile(tmp_path / "f15.py")


def test_a_pure_python_base_imported_again_is_read_once(tmp_path, monkeypatch):
    write_diamond(tmp_path, 6, pure=True)
    reads = []
    real = pure_python.read_text
    monkeypatch.setattr(
        pure_python, "read_text", lambda path, *a, **k: reads.append(path) or real(path, *a, **k)
    )
    cfg = Config.fromfile(tmp_path / "f6.py", safe=True)
    assert cfg.x0 == 0
    assert sorted(reads) == sorted(str(path) for path in tmp_path.glob("*.py"))


def test_a_base_imported_again_gives_each_importer_its_own_values(tmp_path):
    path = write_files(
        tmp_path,
        {
            "d.py": "lst = []\n",
            "b.py": READ_BASE + "    from .d import *\nlst.append('b')\n",
            "c.py": READ_BASE + "    from .d import *\nlst2 = lst\n",
            "top.py": READ_BASE + "    from .b import lst as from_b\n    from .c import lst2\n",
        },
    )
    for safe in (False, True):
        cfg = Config.fromfile(path, safe=safe)
        assert (cfg.from_b, cfg.lst2) == (["b"], [])


def test_a_package_read_base_import_may_read_the_package_in_safe_mode(fake_package, configs):
    path = configs / "pure" / "absolute_base.py"
    assert Config.fromfile(path, safe=True).to_dict() == Config.fromfile(path).to_dict()


def test_project_roots_let_a_tool_read_a_projects_bases_in_safe_mode(tmp_path):
    from cfgkit.config import project_roots

    write_files(
        tmp_path,
        {
            "repo/configs/_base_/model.py": "model = dict(depth=50)\n",
            "repo/configs/net/child.py": "_base_ = ['../_base_/model.py']\n",
            "elsewhere/lone.py": "a = 1\n",
        },
    )
    child = str(tmp_path / "repo/configs/net/child.py")
    with pytest.raises(errors.UnsafeConfigError, match=r"safe mode reads only files inside"):
        Config.fromfile(child, safe=True)
    assert project_roots(child) == [str((tmp_path / "repo/configs").resolve())]
    cfg = Config.fromfile(child, safe=True, safe_root=project_roots(child))
    assert cfg.model.depth == 50
    # A workspace folder that holds the config counts; one that does not is left out.
    workspace = [str(tmp_path / "repo"), str(tmp_path / "elsewhere")]
    assert project_roots(child, workspace)[0] == str((tmp_path / "repo").resolve())
    lone = str(tmp_path / "elsewhere/lone.py")
    assert project_roots(lone) == [str((tmp_path / "elsewhere").resolve())]
