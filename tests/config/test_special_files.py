"""Only regular files are read, and only so much of them: a FIFO, a device, a file past the
size limit or a name that cannot be a path is a ``ConfigFileError`` naming the file and the
config that asked for it, in every way a file is read. The inputs that hung the process or
exhausted memory run in a limited child process (``tests/limited.py``)."""

from __future__ import annotations

import os
import pickle

import pytest

from cfgkit import Config, errors
from cfgkit.config._load.files import MAX_CONFIG_BYTES
from tests.files import write_files
from tests.limited import run_limited

FIFO_BASES = {
    "classic": "_base_ = ['special.py']\n",
    "pure-python": (
        "from mmengine.config import read_base\nwith read_base():\n    from .special import *\n"
    ),
}


def make_special(folder, kind):
    path = folder / "special.py"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
@pytest.mark.parametrize("style", list(FIFO_BASES))
@pytest.mark.parametrize("safe", [False, True], ids=["normal", "safe"])
def test_a_base_that_is_a_fifo_or_a_device_is_a_file_error_naming_the_child(
    tmp_path, kind, style, safe
):
    make_special(tmp_path, kind)
    (tmp_path / "child.py").write_text(FIFO_BASES[style], encoding="utf-8")
    what = "a FIFO" if kind == "fifo" else "a character device"
    expected, message = (
        "errors.ConfigFileError",
        rf'special\.py", which is a _base_ of .*child\.py: it is {what}',
    )
    if safe and kind == "dev-zero":  # a link out of the config's folder: the root rule
        expected, message = (
            "errors.UnsafeConfigError",
            r"special\.py \(the file /dev/zero\), a base of .*child\.py",
        )
    run_limited(
        f"""
        with pytest.raises({expected}, match=r'{message}') as caught:
            Config.fromfile('child.py', safe={safe})
        assert caught.value.filename.endswith('child.py')
        """,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_config_that_is_a_fifo_or_a_device_is_a_file_error(tmp_path, kind):
    make_special(tmp_path, kind)
    run_limited(
        """
        with pytest.raises(errors.ConfigFileError, match=r'special\\.py": it is a'):
            Config.fromfile('special.py')
        with pytest.raises(errors.ConfigFileError, match=r'special\\.py": it is a'):
            Config(filename='special.py')
        """,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("suffix", [".py", ".json", ".yaml"])
def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, suffix):
    path = tmp_path / f"huge{suffix}"
    with open(path, "wb") as stream:  # sparse: no disk space used
        stream.truncate(MAX_CONFIG_BYTES + 1)
    (tmp_path / "child.py").write_text(f"_base_ = ['huge{suffix}']\n", encoding="utf-8")
    run_limited(
        rf"""
        with pytest.raises(
            errors.ConfigFileError, match=r'huge\{suffix}": it is larger than 64 MiB'
        ):
            Config.fromfile('huge{suffix}')
        with pytest.raises(
            errors.ConfigFileError,
            match=r'huge\{suffix}", which is a _base_ of .*child\.py: it is larger than 64 MiB',
        ):
            Config.fromfile('child.py')
        """,
        cwd=tmp_path,
    )


def test_the_size_limit_is_far_above_any_real_config():
    # The largest config of the OpenMMLab corpus is 75,480 bytes.
    assert MAX_CONFIG_BYTES >= 500 * 75_480


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        pytest.param("x\\x00.py", "a NUL byte", id="nul"),
        pytest.param("\\ud800.py", "a character that cannot be encoded", id="lone-surrogate"),
    ],
)
def test_a_base_name_that_cannot_be_a_path_is_a_missing_file(tmp_path, entry, reason):
    child = write_files(tmp_path, {"child.py": f"_base_ = ['{entry}']\n"})
    with pytest.raises(
        errors.ConfigFileNotFoundError,
        match=rf"does not exist, which is a _base_ of .*child\.py: its name holds {reason}",
    ) as caught:
        Config.fromfile(child)
    assert isinstance(caught.value, FileNotFoundError)
    assert caught.value.filename == child


@pytest.mark.parametrize(
    "name", [pytest.param("x\x00.py", id="nul"), pytest.param("\ud800.py", id="lone-surrogate")]
)
def test_a_config_name_that_cannot_be_a_path_is_a_missing_file(name):
    with pytest.raises(errors.ConfigFileNotFoundError, match=r"does not exist: its name holds"):
        Config.fromfile(name)


def test_a_folder_named_as_a_base_is_a_missing_file_that_says_it_is_a_folder(tmp_path):
    (tmp_path / "folder.py").mkdir()
    child = write_files(tmp_path, {"child.py": "_base_ = ['folder.py']\n"})
    # Still a FileNotFoundError, as in mmengine; the message says what the path is.
    match = r"folder\.py\" is a folder, not a config file, which is a _base_ of .*child\.py"
    with pytest.raises(errors.ConfigFileNotFoundError, match=match):
        Config.fromfile(child)


def test_a_link_to_a_regular_file_is_read(tmp_path):
    write_files(tmp_path, {"real.py": "a = 1\n"})
    (tmp_path / "link.py").symlink_to(tmp_path / "real.py")
    assert Config.fromfile(tmp_path / "link.py").a == 1


def test_a_special_file_error_pickles(tmp_path):
    make_special(tmp_path, "fifo")
    with pytest.raises(errors.ConfigFileError, match="FIFO") as caught:
        Config.fromfile(tmp_path / "special.py")
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is errors.ConfigFileError
    assert str(again) == str(caught.value)
