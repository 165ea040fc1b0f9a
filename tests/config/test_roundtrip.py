"""Generated configs survive pretty_text and dump in every format (hypothesis)."""

from __future__ import annotations

import json
import keyword
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfgkit import Config
from cfgkit.config._output.formatting import dump_text
from tests.compat.trees import first_difference

RESERVED = {"filename", "text", "pretty_text", "env_variables", "custom_imports",
            "_base_", "_deprecation_"}  # fmt: skip
# Characters that matter to the writers: quotes, escapes, newlines, braces of references.
ALPHABET = st.sampled_from([*"ab_ 1'\"\\\n\t{}<>$:.#é\x00", "{{", "<<", "}}"])
text = st.lists(ALPHABET, max_size=8).map("".join)
names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)
str_keys = st.one_of(names, text, st.sampled_from(keyword.kwlist))
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
)


def trees(keys: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.lists(children, max_size=4).map(tuple),
            st.dictionaries(keys, children, max_size=4),
        ),
        max_leaves=20,
    )


def configs(keys: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[Any, Any]]:
    top_keys = keys.filter(
        lambda k: not (isinstance(k, str) and (k.startswith("__") or k in RESERVED))
    )
    return st.dictionaries(top_keys, trees(keys), max_size=5)


# CFGKIT_HYPOTHESIS_EXAMPLES=2000 for a longer search than CI's.
EXAMPLES = int(os.environ.get("CFGKIT_HYPOTHESIS_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(configs(st.one_of(str_keys, st.integers())), st.sampled_from([True, "yapf", False]))
def test_python_round_trip(value, style):
    text = Config(value, format_python_code=style).pretty_text
    loaded = Config.fromstring(text, ".py").to_dict()
    assert first_difference(value, loaded, ordered=style is True) is None, text


@SETTINGS
@given(configs(st.one_of(str_keys, st.integers())))
def test_yaml_round_trip(value):
    loaded = Config.fromstring(dump_text(value, "yaml"), ".yaml").to_dict()
    assert first_difference(value, loaded, ordered=False) is None


def lists_for_tuples(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: lists_for_tuples(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [lists_for_tuples(v) for v in value]
    return value


@SETTINGS
@given(configs(str_keys))
def test_json_round_trip_up_to_tuples(value):
    loaded = Config.fromstring(dump_text(value, "json"), ".json").to_dict()
    assert first_difference(lists_for_tuples(value), loaded) is None


@SETTINGS
@given(configs(st.integers()).filter(bool))
def test_json_writes_integer_keys_as_strings_like_mmengine(value):
    # A lossy format, like tuples: the keys come back as their text.
    loaded = Config.fromstring(dump_text(value, "json"), ".json").to_dict()
    assert first_difference(json.loads(json.dumps(value)), loaded) is None
