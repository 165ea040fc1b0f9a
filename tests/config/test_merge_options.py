"""``merge_from_dict`` applies every option in order or fails with nothing changed: an option
is never dropped because a later one names its prefix. A property test over generated
option sets checks every leaf against what the options say, and against mmengine 0.10.7
where mmengine succeeds."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfgkit import Config, errors
from tests.compat.trees import first_difference

mmengine_config = pytest.importorskip("mmengine.config")

PARTS = ["a", "t", "d", "x", "0", "1", "-1", "00", ""]
scalars = st.one_of(st.none(), st.integers(-3, 9), st.booleans())
names = st.sampled_from(["a", "t", "d", "x", "0", "1"])


def values(depth: int = 2):
    if depth == 0:
        return scalars
    inner = values(depth - 1)
    dicts = st.dictionaries(names, inner, max_size=3)
    deleting = dicts.map(lambda d: {"_delete_": True, **d})
    return st.one_of(
        scalars,
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        dicts,
        deleting,
    )


configs = st.dictionaries(names, values(3), max_size=4)
keys = st.lists(st.sampled_from(PARTS), min_size=1, max_size=4).map(".".join)
option_sets = st.dictionaries(keys, values(2), max_size=5)


@pytest.mark.parametrize(
    ("config", "options", "expected"),
    [
        pytest.param(
            {"a": [], "t": 1},
            {"a.0": 5, "a": (8, 0), "1.d.x": True},
            {"a": (8, 0), "t": 1, "1": {"d": {"x": True}}},
            id="after-a-prefix-replaced",
        ),
        pytest.param(
            {"a": [], "t": 1},
            {".d": [], "": [7], "2.t.q.00": 1, "t": None},
            {"a": [], "t": None, "": [7], "2": {"t": {"q": {"00": 1}}}},
            id="after-an-empty-key-replaced",
        ),
        pytest.param(
            {"a": {"z": 0}},
            {"a.y": 2, "a": {"x": 1}},
            {"a": {"z": 0, "y": 2, "x": 1}},
            id="a-dict-adds-to-an-earlier-option",
        ),
        pytest.param(
            {"a": {"z": 0}},
            {"a.y": 2, "a": {"_delete_": True, "x": 1}},
            {"a": {"x": 1}},
            id="a-deleting-dict-replaces-it",
        ),
        pytest.param(
            {}, {"a": {"x": 1}, "a.y": 2}, {"a": {"x": 1, "y": 2}}, id="into-an-option-dict"
        ),
    ],
)
def test_every_option_is_applied_in_order(config, options, expected):
    cfg = Config(config)
    cfg.merge_from_dict(options, allow_list_keys=True)
    assert first_difference(expected, cfg.to_dict()) is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(
            {"a": [1, 2], "a.0": 5},
            r"option 'a\.0' writes inside a, which an earlier option sets to \[1, 2\]",
            id="inside-a-list",
        ),
        pytest.param(
            {"t": 1, "t.d.x": 5},
            r"option 't\.d\.x' writes inside t, which an earlier option sets to 1",
            id="inside-a-number",
        ),
    ],
)
def test_an_option_written_inside_an_earlier_value_fails_and_changes_nothing(options, message):
    cfg = Config({"a": [0, 0], "t": {"d": 1}})
    given_options = copy.deepcopy(options)
    with pytest.raises(errors.MergeError, match=message) as caught:
        cfg.merge_from_dict(options)
    assert isinstance(caught.value, TypeError)  # what mmengine raises there
    assert cfg.to_dict() == {"a": [0, 0], "t": {"d": 1}}
    assert options == given_options


def _path(key: str) -> list[str]:
    return key.split(".")


def _superseded(path: list[str], later: list[tuple[list[str], object]]) -> bool:
    """Whether a later option writes at ``path`` or above it (so it may change it)."""
    return any(other[: len(path)] == path[: len(other)] for other, _ in later)


def _at(tree, path):
    """The value at ``path``, digits indexing lists; raise LookupError when absent."""
    node = tree
    for part in path:
        if isinstance(node, (list, tuple)):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise LookupError(part)
    return node


def _leaves(value, path):
    """The (path, value) of every leaf an option writes (dicts merge, so they are walked)."""
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            if key != "_delete_":
                yield from _leaves(inner, [*path, key])
    elif not isinstance(value, dict):
        yield path, value


def _mmengine_drops(options: dict) -> bool:
    """mmengine's one known loss: a dict option replaces an earlier option below it."""
    items = [(_path(k), v) for k, v in options.items()]
    for index, (path, _) in enumerate(items):
        for later, value in items[index + 1 :]:
            below = len(later) < len(path) and path[: len(later)] == later
            if below and isinstance(value, dict) and not value.get("_delete_"):
                return True
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, options=option_sets, allow_list_keys=st.booleans())
def test_generated_options_are_all_applied_or_none(config, options, allow_list_keys):
    cfg = Config(copy.deepcopy(config))
    before = cfg.to_dict()
    given_options = copy.deepcopy(options)
    try:
        cfg.merge_from_dict(options, allow_list_keys=allow_list_keys)
    except errors.ConfigError:
        failed = True
        # Atomic: the config and the caller's options are as they were.
        assert first_difference(before, cfg.to_dict()) is None
        assert first_difference(given_options, options) is None
    else:
        failed = False
        assert first_difference(given_options, options) is None
        result = cfg.to_dict()
        items = [(_path(k), v) for k, v in options.items()]
        for index, (path, value) in enumerate(items):
            later = items[index + 1 :]
            for leaf_path, leaf in _leaves(value, path):
                if _superseded(leaf_path, later):
                    continue
                assert first_difference(leaf, _at(result, leaf_path)) is None, (path, leaf_path)

    reference = mmengine_config.Config(copy.deepcopy(config))
    try:
        reference.merge_from_dict(copy.deepcopy(options), allow_list_keys=allow_list_keys)
    except Exception:
        return
    # Where mmengine merges, cfgkit does too, to the same tree (but where mmengine loses an
    # option, which cfgkit keeps).
    assert not failed
    if not _mmengine_drops(options):
        assert first_difference(reference.to_dict(), cfg.to_dict()) is None
