"""Size, depth and time: long chains load, values that contain themselves or nest too deeply
are located errors (never a raw RecursionError), YAML aliases cannot explode, and the text
passes stay linear in the size of the text."""

from __future__ import annotations

import time

import pytest

from cfgkit import Config, DictAction, errors
from cfgkit.config._output.formatting import dump_text
from tests.conftest import CONFIG_DIR


def write_chain(folder, depth):
    for level in range(depth):
        base = f"_base_ = ['c{level - 1}.py']\n" if level else ""
        (folder / f"c{level}.py").write_text(f"{base}v{level} = {level}\n", encoding="utf-8")
    return folder / f"c{depth - 1}.py"


def test_a_chain_of_1200_bases_loads(tmp_path):
    # mmengine manages about 400 levels; cfgkit resolves chains without recursing per level.
    cfg = Config.fromfile(write_chain(tmp_path, 1200))
    assert len(cfg) == 1200
    assert list(cfg)[:3] == ["v0", "v1", "v2"]
    assert cfg.v1199 == 1199


def test_a_cycle_deep_in_a_long_chain_is_named(tmp_path):
    top = write_chain(tmp_path, 600)
    (tmp_path / "c0.py").write_text("_base_ = ['c599.py']\nv0 = 0\n", encoding="utf-8")
    with pytest.raises(errors.InheritanceCycleError, match=r"c599\.py -> .*c0\.py -> .*c599\.py"):
        Config.fromfile(top)


def test_json_nested_5000_deep_names_the_file(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"a": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    # Python 3.13's JSON reader goes deeper than older ones; then the tree walk stops it.
    with pytest.raises(
        errors.NestingError, match=r"nested (too deeply|more than 200).*deep\.json"
    ) as caught:
        Config.fromfile(path)
    assert len(str(caught.value)) < 300


def test_a_python_list_that_contains_itself_names_the_key(tmp_path):
    path = tmp_path / "self.py"
    path.write_text("a = [1]\na.append(a)\n", encoding="utf-8")
    with pytest.raises(errors.NestingError, match=r"'a\.1' contains itself.*self\.py") as caught:
        Config.fromfile(path)
    assert isinstance(caught.value, RecursionError)
    assert caught.value.key == "a.1"


def test_a_yaml_alias_inside_its_own_value_is_refused():
    # mmengine recurses until RecursionError; NestingError is one too.
    with pytest.raises(
        errors.NestingError, match=r"alias inside the value it names.*alias_contains_itself"
    ):
        Config.fromfile(CONFIG_DIR / "bad" / "alias_contains_itself.yaml")


def test_config_of_a_dict_that_contains_itself_names_the_key():
    looped: dict = {}
    looped["again"] = looped
    with pytest.raises(errors.NestingError, match=r"'a\.again' contains itself"):
        Config({"a": looped})


def test_merging_a_value_that_contains_itself_changes_nothing():
    cfg = Config({"a": 1})
    looped: list = []
    looped.append(looped)
    with pytest.raises(errors.NestingError, match="contains itself"):
        cfg.merge_from_dict({"b": {"c": looped}})
    assert cfg.to_dict() == {"a": 1}


def test_a_value_changed_to_contain_itself_cannot_be_dumped():
    cfg = Config({"a": [1]})
    cfg.a.append(cfg.a)
    with pytest.raises(errors.NestingError, match=r"'a\.1' contains itself"):
        cfg.dump()


def test_cfg_options_with_500_nested_brackets_is_an_argparse_error(capsys):
    import argparse

    parser = argparse.ArgumentParser(prog="train")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction)
    with pytest.raises(SystemExit):
        parser.parse_args(["--cfg-options", "x=" + "[" * 500 + "]" * 500])
    assert "x: Brackets are nested more than 100 levels deep" in capsys.readouterr().err


def test_brackets_nested_100_deep_still_parse():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--cfg-options", nargs="+", action=DictAction)
    value = parser.parse_args(["--cfg-options", "x=" + "[" * 100 + "]" * 100]).cfg_options["x"]
    for _ in range(99):
        value = value[0]
    assert value == []


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        name, previous = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


def test_yaml_aliases_that_expand_to_a_billion_values_are_refused_quickly(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    assert path.stat().st_size < 1024
    start = time.perf_counter()
    with pytest.raises(
        errors.UnsafeYamlError, match=r"expand to more than 1,000,000.*laughs\.yaml"
    ):
        Config.fromfile(path)
    assert time.perf_counter() - start < 2


def test_ordinary_anchors_and_merge_keys_keep_working():
    cfg = Config.fromfile(CONFIG_DIR / "yaml" / "anchors_and_merge_keys.yaml")
    assert cfg.to_dict() == {
        "base": {"x": 1, "y": 2},
        "other": {"x": 1, "y": 3},
        "both": [{"x": 1, "y": 2}, {"x": 1, "y": 2}],
    }


def test_a_line_of_8000_base_references_loads_in_linear_time(tmp_path):
    (tmp_path / "b.py").write_text("a = 1\n", encoding="utf-8")
    references = ", ".join(['"{{ _base_.a }}"'] * 8000)
    path = tmp_path / "refs.py"
    path.write_text(f"_base_ = ['b.py']\nx = [{references}]\n", encoding="utf-8")
    start = time.perf_counter()
    assert Config.fromfile(path).x == [1] * 8000
    assert time.perf_counter() - start < 2  # 30 s before, from a rescan per reference


def test_8000_distinct_references_in_one_string_load_in_linear_time(tmp_path):
    names = [f"k{i}" for i in range(8000)]
    (tmp_path / "b.py").write_text("".join(f"{n} = {i}\n" for i, n in enumerate(names)))
    joined = "-".join(f"{{{{ _base_.{n} }}}}" for n in names)
    path = tmp_path / "refs.py"
    path.write_text(f"_base_ = ['b.py']\nx = '{joined}'\n", encoding="utf-8")
    start = time.perf_counter()
    assert Config.fromfile(path).x == "-".join(str(i) for i in range(8000))
    assert time.perf_counter() - start < 3


def test_8000_unclosed_environment_references_scan_in_linear_time(tmp_path):
    path = tmp_path / "unclosed.py"
    path.write_text("x = '" + "{{$a:" * 8000 + "'\n", encoding="utf-8")
    start = time.perf_counter()
    assert Config.fromfile(path).x == "{{$a:" * 8000
    assert time.perf_counter() - start < 2  # 21 s before, from regex backtracking


def test_yaml_writes_and_reads_values_nested_150_deep():
    deep = inner = []
    for _ in range(150):
        inner.append([])
        inner = inner[0]
    assert Config.fromstring(dump_text({"d": deep}, "yaml"), ".yaml").d == deep


@pytest.mark.parametrize("file_format", ["py", "json"])
def test_values_nested_deeper_than_the_parser_accepts_are_not_dumped(file_format):
    deep = inner = []
    for _ in range(150):
        inner.append([])
        inner = inner[0]
    with pytest.raises(
        errors.DumpError, match=r"nested more than 100 levels.*key 'd\.0\.0.*…\(101 keys\)"
    ):
        dump_text({"d": deep}, file_format)


@pytest.mark.parametrize("enabled", [True, False])
def test_parsing_pauses_the_garbage_collector_and_restores_it(enabled):
    import gc

    from cfgkit.config._load.parsing import parse_tree

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert parse_tree("a = dict(b=[1, 2])\n").body
        assert gc.isenabled() is enabled
        with pytest.raises(SyntaxError):
            parse_tree("a = (\n")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


GC_PROBE = "import gc\nduring = gc.isenabled()\n"


@pytest.mark.parametrize("suffix", [".py", ".pure.py"])
def test_the_garbage_collector_is_paused_while_loading_and_restored(tmp_path, suffix):
    import gc

    text = GC_PROBE if suffix == ".py" else "from mmengine.config import read_base\n" + GC_PROBE
    path = tmp_path / f"c{suffix}"
    path.write_text(text, encoding="utf-8")
    assert gc.isenabled()
    assert Config.fromfile(path).during is False
    assert gc.isenabled()
    gc.disable()
    try:
        Config.fromfile(path)
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_the_garbage_collector_is_restored_when_loading_fails(tmp_path):
    import gc

    path = tmp_path / "c.py"
    path.write_text("raise ValueError('no')\n", encoding="utf-8")
    with pytest.raises(errors.ConfigExecutionError, match="no"):
        Config.fromfile(path)
    assert gc.isenabled()


def test_the_garbage_collector_is_paused_for_mmcv_loads_too(tmp_path):
    import gc

    from cfgkit.mmcv import Config as MmcvConfig

    path = tmp_path / "c.py"
    path.write_text(GC_PROBE, encoding="utf-8")
    assert MmcvConfig.fromfile(path).during is False
    assert gc.isenabled()


def test_json_dumps_values_nested_exactly_as_deep_as_allowed():
    # The quick walk of a JSON dump gives way to the full check near the limit; both agree.
    deep = inner = []
    for _ in range(99):  # `d` is one level, so the innermost list sits at depth 100
        inner.append([])
        inner = inner[0]
    text = dump_text({"d": deep}, "json")
    assert Config.fromstring(text, ".json").d == deep
    inner.append([])
    with pytest.raises(errors.DumpError, match="nested more than 100 levels"):
        dump_text({"d": deep}, "json")


def test_json_dumps_number_keys_that_do_not_collide():
    assert dump_text({"a": {1: "x", 2.5: "y", None: "z"}}, "json") == (
        '{"a": {"1": "x", "2.5": "y", "null": "z"}}'
    )
