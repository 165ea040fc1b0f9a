"""The compile cache: compiled configs kept across processes in the user's cache folder."""

from __future__ import annotations

import os
import sys

import pytest

from cfgkit import Config
from cfgkit.config import clear_cache
from cfgkit.config._load import compile_cache
from tests.compat.trees import first_difference
from tests.conftest import CONFIG_DIR

CONFIGS = sorted((CONFIG_DIR / "py").glob("*.py"))


@pytest.fixture
def cache(tmp_path_factory, monkeypatch):
    """The compile cache on, in a private folder (this machine sets PYTHONDONTWRITEBYTECODE)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.delenv("CFGKIT_NO_CACHE", raising=False)
    folder = tmp_path_factory.mktemp("cfgkit-cache")
    monkeypatch.setenv("CFGKIT_CACHE_DIR", str(folder))
    monkeypatch.setenv("CFGKIT_TEST_DATA_ROOT", "/mnt/data")
    monkeypatch.setenv("CFGKIT_TEST_NUM_CLASSES", "7")
    clear_cache()
    yield folder
    clear_cache()


def entries(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def load_all():
    import warnings

    loaded = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # deprecated.py says it is
        for path in CONFIGS:
            clear_cache()
            loaded.append(Config.fromfile(path).to_dict())
    return loaded


def test_results_are_the_same_with_and_without_the_cache(cache, monkeypatch):
    first = load_all()  # fills the cache
    assert entries(cache)
    second = load_all()  # reads it
    monkeypatch.setenv("CFGKIT_NO_CACHE", "1")
    without = load_all()
    for a, b, c in zip(first, second, without):
        assert first_difference(c, a) is None
        assert first_difference(c, b) is None


def test_entries_live_in_the_cache_folder_and_nowhere_else(cache, write_config):
    path = write_config("alone.py", "a = 1\n")
    before = set(os.listdir(path.parent))
    Config.fromfile(path)
    assert set(os.listdir(path.parent)) == before
    [entry] = entries(cache)
    assert entry.parent.name.startswith(f"code-{sys.implementation.cache_tag}-")
    assert not entry.name.endswith(".partial")
    assert entry.stat().st_mode & 0o777 == 0o600


def test_a_cached_config_is_not_compiled_again(cache, write_config, monkeypatch):
    path = write_config("again.py", "a = 1\nb = [a] * 2\n")
    Config.fromfile(path)
    clear_cache()
    import builtins

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(builtins, "compile", no_compile)
    assert Config.fromfile(path).to_dict() == {"a": 1, "b": [1, 1]}


def test_a_changed_text_or_environment_value_is_compiled_again(cache, write_config, monkeypatch):
    path = write_config("env.py", "root = '{{ $CFGKIT_CACHE_TEST_ROOT:/a }}'\n")
    assert Config.fromfile(path).root == "/a"
    clear_cache()
    monkeypatch.setenv("CFGKIT_CACHE_TEST_ROOT", "/b")
    assert Config.fromfile(path).root == "/b"
    assert len(entries(cache)) == 2


@pytest.mark.parametrize(
    "setting",
    [
        pytest.param({"CFGKIT_NO_CACHE": "1"}, id="CFGKIT_NO_CACHE"),
        pytest.param("dont_write_bytecode", id="PYTHONDONTWRITEBYTECODE"),
    ],
)
def test_the_cache_can_be_turned_off(cache, write_config, monkeypatch, setting):
    if setting == "dont_write_bytecode":
        monkeypatch.setattr(sys, "dont_write_bytecode", True)
    else:
        for name, value in setting.items():
            monkeypatch.setenv(name, value)
    Config.fromfile(write_config("off.py", "a = 1\n"))
    assert entries(cache) == []
    assert compile_cache.cache_directory() is None


@pytest.mark.parametrize("spoil", ["corrupt", "foreign", "group-writable"])
def test_entries_that_cannot_be_trusted_are_not_read(cache, write_config, spoil):
    path = write_config("trusted.py", "a = 1\n")
    Config.fromfile(path)
    [entry] = entries(cache)
    if spoil == "corrupt":
        entry.write_bytes(b"\x00not marshal")
    elif spoil == "foreign":
        if not hasattr(os, "chown") or os.getuid() != 0:
            pytest.skip("changing an owner needs root")
        os.chown(entry, os.getuid() + 4242, -1)
    else:
        entry.chmod(0o620)
    clear_cache()
    assert compile_cache.load("a = 1\n", str(path)) is None
    assert Config.fromfile(path).a == 1


def test_a_cache_folder_that_cannot_be_written_is_no_error(cache, write_config, monkeypatch):
    blocker = cache / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CFGKIT_CACHE_DIR", str(blocker / "cache"))
    assert Config.fromfile(write_config("nowhere.py", "a = 2\n")).a == 2


def test_a_base_list_that_is_not_a_literal_is_evaluated_every_time(cache, write_config):
    write_config("b1.py", "x = 1\n")
    path = write_config("computed.py", "_base_ = ['b' + str(1) + '.py']\ny = _base_.x\n")
    assert Config.fromfile(path).y == 1
    assert len(entries(cache)) == 1  # the base's code; the child's is not kept
    literal = write_config("literal.py", "_base_ = ['b1.py']\ny = _base_.x\n")
    assert Config.fromfile(literal).y == 1
    assert len(entries(cache)) == 2
