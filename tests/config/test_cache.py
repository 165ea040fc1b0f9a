"""The per-process parse cache never changes results."""

from __future__ import annotations

import pytest

from cfgkit import Config
from cfgkit.config import clear_cache


@pytest.mark.parametrize(
    "name",
    [
        "py/inherit_and_override.py",
        "py/base_attribute_access.py",
        "py/base_reference.py",
        "py/child_of_child.py",
        "yaml/inherit.yaml",
        "json/inherit.json",
    ],
)
def test_cached_load_equals_a_fresh_load(configs, name):
    clear_cache()
    fresh = Config.fromfile(configs / name)
    cached = Config.fromfile(configs / name)
    assert cached.to_dict() == fresh.to_dict()
    assert cached.text == fresh.text
    assert cached._cfg_dict is not fresh._cfg_dict


def test_changing_a_loaded_config_does_not_leak_into_the_next_load(configs):
    path = configs / "py" / "base_attribute_access.py"
    first = Config.fromfile(path)
    first.model.backbone.depth = 1
    first.model.neck.in_channels.append(1)
    first.head.num_classes = 0
    second = Config.fromfile(path)
    assert second.model.backbone.depth == 50
    assert second.model.neck.in_channels == [256, 512, 1024, 2048]
    assert second.head.num_classes == 20


def test_base_name_edits_in_one_child_do_not_reach_a_sibling(write_config):
    write_config("base.py", "model = dict(type='A')\n")
    editing = write_config("edit.py", "_base_ = './base.py'\n_base_.model.type = 'B'\n")
    plain = write_config("plain.py", "_base_ = './base.py'\n")
    assert Config.fromfile(editing).model.type == "B"
    assert Config.fromfile(plain).model.type == "A"


def test_edited_base_file_is_read_again(write_config):
    base = write_config("base.py", "a = 1\n")
    child = write_config("child.py", "_base_ = './base.py'\n")
    assert Config.fromfile(child).a == 1
    base.write_text("a = 2\n")  # same size, possibly the same mtime: content is compared
    assert Config.fromfile(child).a == 2


def test_changed_environment_is_seen(write_config, monkeypatch):
    monkeypatch.setenv("CFGKIT_TEST_CACHE_VAR", "one")
    write_config("base.py", "a = '{{$CFGKIT_TEST_CACHE_VAR:}}'\n")
    child = write_config("child.py", "_base_ = './base.py'\n")
    assert Config.fromfile(child).a == "one"
    monkeypatch.setenv("CFGKIT_TEST_CACHE_VAR", "two")
    assert Config.fromfile(child).a == "two"
    assert Config.fromfile(child).env_variables == {"CFGKIT_TEST_CACHE_VAR": "two"}


def test_options_are_part_of_the_key(write_config):
    path = write_config("a.py", "name = '{{ fileBasename }}'\n")
    assert Config.fromfile(path).name == "a.py"
    assert Config.fromfile(path, use_predefined_variables=False).name == "{{ fileBasename }}"


def test_deleted_base_is_noticed(write_config):
    base = write_config("base.py", "a = 1\n")
    child = write_config("child.py", "_base_ = './base.py'\n")
    Config.fromfile(child)
    base.unlink()
    with pytest.raises(FileNotFoundError, match=r"base\.py\" does not exist"):
        Config.fromfile(child)


def test_deprecation_warns_on_every_load(configs):
    for _ in range(2):
        with pytest.warns(DeprecationWarning, match="will be deprecated"):
            Config.fromfile(configs / "py" / "deprecated.py")


def write_aged(path, text, seconds_ago=60):
    """Write ``text`` and date it in the past, so that its stamp can be trusted."""
    import os
    import time

    path.write_text(text, encoding="utf-8")
    when = time.time() - seconds_ago
    os.utime(path, (when, when))


def test_unchanged_files_are_validated_by_their_stamps_without_reading(tmp_path, monkeypatch):
    from cfgkit.config._load import files

    write_aged(tmp_path / "base.py", "a = 1\n")
    write_aged(tmp_path / "child.py", "_base_ = ['base.py']\nb = 2\n")
    clear_cache()
    assert Config.fromfile(tmp_path / "child.py").to_dict() == {"a": 1, "b": 2}
    reads = []
    real = files.read_text
    monkeypatch.setattr(files, "read_text", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    from cfgkit.config._load import inheritance

    monkeypatch.setattr(inheritance, "read_text", files.read_text)
    assert Config.fromfile(tmp_path / "child.py").to_dict() == {"a": 1, "b": 2}
    # The config itself is read (fromfile decides its style); its base only stat-ed.
    assert [p for p in reads if p.endswith("base.py")] == []


def test_a_changed_base_is_seen_even_with_the_same_size_and_time(tmp_path):
    import os

    write_aged(tmp_path / "base.py", "a = 1\n")
    write_aged(tmp_path / "child.py", "_base_ = ['base.py']\n")
    clear_cache()
    assert Config.fromfile(tmp_path / "child.py").a == 1
    stat = os.stat(tmp_path / "base.py")
    (tmp_path / "base.py").write_text("a = 2\n", encoding="utf-8")  # same size
    os.utime(tmp_path / "base.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    # Same size, same mtime, same inode: like git, cfgkit trusts the stamp; a file written
    # within two seconds of being read would have been compared by its text instead.
    assert Config.fromfile(tmp_path / "child.py").a == 1
    os.utime(tmp_path / "base.py")  # touched now: the stamp differs
    assert Config.fromfile(tmp_path / "child.py").a == 2


def test_a_file_changed_right_after_it_was_read_is_compared_by_text(tmp_path):
    (tmp_path / "base.py").write_text("a = 1\n", encoding="utf-8")  # just written: racy
    (tmp_path / "child.py").write_text("_base_ = ['base.py']\n", encoding="utf-8")
    clear_cache()
    assert Config.fromfile(tmp_path / "child.py").a == 1
    (tmp_path / "base.py").write_text("a = 3\n", encoding="utf-8")
    assert Config.fromfile(tmp_path / "child.py").a == 3


def test_the_cache_keeps_the_most_recently_used_files(tmp_path, monkeypatch):
    from cfgkit.config._load import inheritance

    # Three files resolved as bases, and one loaded as the config itself.
    monkeypatch.setattr(inheritance, "MAX_CACHED_FILES", 3)
    monkeypatch.setattr(inheritance, "MAX_CACHED_CONFIGS", 1)
    clear_cache()
    for name in "abcde":
        write_aged(tmp_path / f"{name}.py", f"_base_ = ['base_{name}.py']\n")
        write_aged(tmp_path / f"base_{name}.py", f"{name} = 1\n")
    for name in "abcde":
        Config.fromfile(tmp_path / f"{name}.py")
    reads = []
    real = inheritance.read_text
    monkeypatch.setattr(
        inheritance, "read_text", lambda p, *a, **k: reads.append(p) or real(p, *a, **k)
    )
    Config.fromfile(tmp_path / "e.py")  # the last config loaded
    assert reads == []
    Config.fromfile(tmp_path / "c.py")  # an older config, whose base is among the last three
    assert reads == []
    Config.fromfile(tmp_path / "a.py")  # a's base was dropped long ago
    assert [p.rsplit("/", 1)[-1] for p in reads] == ["base_a.py"]
    clear_cache()


def test_a_cached_classic_file_rewritten_as_pure_python_loads_as_pure_python(tmp_path):
    # fromfile answers from the parse cache without reading an unchanged file; a changed one
    # is read again and its style decided again.
    path = tmp_path / "style.py"
    write_aged(path, "a = 1\n")
    clear_cache()
    assert Config.fromfile(path).to_dict() == {"a": 1}
    write_aged(path, "from cfgkit_nowhere.models import Net\n\nb = 2\n", seconds_ago=30)
    cfg = Config.fromfile(path)
    assert cfg.to_dict() == {"b": 2}
    assert list(cfg.to_dict(keep_imported=True)) == ["Net", "b"]
