"""DictAction and --cfg-options values: mmengine's parsing, with its crashes fixed."""

from __future__ import annotations

import math
import re
from argparse import ArgumentParser

import pytest

from cfgkit import DictAction
from cfgkit.config._merge.overrides import add_args, parse_option_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1), ("-3", -3), ("+1", 1), ("1_000", 1000), ("0x10", "0x10"),
        ("1e3", 1000.0), (".5", 0.5), ("1.", 1.0), ("inf", math.inf),
        ("true", True), ("FALSE", False), ("None", None), ("none", "none"), ("null", "null"),
        ("", ""), ("hello world", "helloworld"), ("[ 1 , 2 ]", [1, 2]), ("a,b", ["a", "b"]),
        ("[(a,b),[1,2],false]", [("a", "b"), [1, 2], False]), ("[[1]]", [[1]]),
        ("[]", []), ("()", ()), ("(a)", ("a",)), ("(1,)", (1,)), ("a,", ["a"]),
        ("1,,2", [1, "", 2]), ("(,)", ("",)), ("1,(2,3)", [1, (2, 3)]),
        ("'[a, b]'", ["a", "b"]), ('"a,b"', ["a", "b"]), ("{1:2}", "{1:2}"),
        ("dict(a=1)", "dict(a=1)"), ("it's", "it's"), ("'1'", 1),
    ],
)  # fmt: skip
def test_values_parse_as_in_mmengine(text, expected):
    value = parse_option_value(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("(1,2),(3,4)", [(1, 2), (3, 4)], id="groups-mmengine-recursed-on"),
        pytest.param("[1,2],[3]", [[1, 2], [3]], id="lists-mmengine-recursed-on"),
        pytest.param("a(1,2)", "a(1,2)", id="call-like"),
        pytest.param("['1',2]", ["1", 2], id="quoted-stays-string"),
        pytest.param("['a b', \"c,d\"]", ["a b", "c,d"], id="quoted-keeps-spaces-and-commas"),
    ],
)
def test_values_mmengine_crashes_or_mangles(text, expected):
    assert parse_option_value(text) == expected


def test_nan_parses_to_a_float():
    assert math.isnan(parse_option_value("nan"))


def make_parser(**kwargs) -> ArgumentParser:
    parser = ArgumentParser(prog="train")
    parser.add_argument("--cfg-options", nargs="+", action=DictAction, **kwargs)
    return parser


def test_flags_accumulate_and_later_keys_win():
    args = make_parser().parse_args(["--cfg-options", "a=1", "b=2", "--cfg-options", "a=3"])
    assert args.cfg_options == {"a": 3, "b": 2}


def test_keys_stay_dotted_and_values_may_hold_equals():
    args = make_parser().parse_args(["--cfg-options", "model.backbone.depth=50", "s=x=y"])
    assert args.cfg_options == {"model.backbone.depth": 50, "s": "x=y"}


def test_default_dict_is_carried_along():
    args = make_parser(default={"z": 0}).parse_args(["--cfg-options", "a=1"])
    assert args.cfg_options == {"z": 0, "a": 1}
    assert make_parser().parse_args([]).cfg_options is None


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        pytest.param("novalue", r"expected KEY=VALUE, got 'novalue'", id="no-equals"),
        pytest.param("=1", r"expected KEY=VALUE", id="no-key"),
        pytest.param("a=[1,2", r"a: Imbalanced brackets exist in \[1,2", id="unbalanced"),
        pytest.param("a=(1]", r"Imbalanced brackets", id="mismatched"),
    ],
)
def test_malformed_options_are_argparse_errors(argument, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        make_parser().parse_args(["--cfg-options", argument])
    assert exit_info.value.code == 2
    assert re.search(message, capsys.readouterr().err)


def test_private_helpers_kept_for_drop_in_use():
    assert DictAction._parse_int_float_bool("true") is True
    assert DictAction._parse_iterable("(1,2),(3,4)") == [(1, 2), (3, 4)]


def test_add_args_flags_for_each_leaf():
    parser = add_args(
        ArgumentParser(),
        {
            "name": "x",
            "flag": False,
            "n": 1,
            "lr": 0.1,
            "sub": {"k": 2},
            "ids": [1, 2],
            "none": None,
            "e": [],
        },
    )
    args = parser.parse_args(
        [
            "--name",
            "y",
            "--flag",
            "--n",
            "3",
            "--lr",
            "0.5",
            "--sub.k",
            "4",
            "--ids",
            "5",
            "6",
            "--e",
            "a",
        ]
    )
    assert vars(args) == {
        "name": "y",
        "flag": True,
        "n": 3,
        "lr": 0.5,
        "sub.k": 4,
        "ids": [5, 6],
        "e": ["a"],
    }
