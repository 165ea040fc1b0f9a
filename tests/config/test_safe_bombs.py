"""Safe mode under attack: every hostile config gives an UnsafeConfigError naming the file,
or a plain value tree, within 10 s of CPU and 2 GB, never a crash, a hang or a bare builtin
error. Each bomb runs in a limited child process (tests/limited.py)."""

from __future__ import annotations

import pickle

import pytest

from cfgkit import Config, errors
from tests.files import write_files as write
from tests.limited import safe_load_outcome

DOUBLED = "t = ()\nfor i in range(64):\n    t = (t, t)\n"  # 2**64 paths, 64 distinct tuples
DEEP = "t = ()\nfor i in range(200000):\n    t = (t,)\n"  # a tuple nested 200,000 deep
BIG = "s = 'a' * 10**6\n"


def refused_in_limits(tmp_path, text, match, action="load", error="UnsafeConfigError", **files):
    path = write(tmp_path, {**files, "attack.py": text})
    outcome = safe_load_outcome(path, action)
    assert "error" in outcome, outcome.get("result")
    assert error in outcome["error"], outcome
    assert outcome["filename"] == path
    assert match in outcome["message"]
    return outcome


SIZES_CHECKED_AFTER = [
    pytest.param(
        "x = '{0:{1}}'.format('x', '3000000000')", "str.format() to more than", id="runtime-width"
    ),
    pytest.param("x = '{:{}}'.format('x', 10**9)", "str.format() to more than", id="auto-width"),
    pytest.param(
        "x = ('{:1000000}' * 3000).format(*range(3000))",
        "str.format() to more than",
        id="many-fields",
    ),
    pytest.param(
        "v = 7\nx = f'{v:999999}{v:999999}{v:999999}{v:999999}'",
        "formatting text of more than 1,000,000",
        id="f-string-fields",
    ),
    pytest.param(
        "x = f'{1:{10**9}}'", "formatting text of more than 1,000,000", id="f-string-width"
    ),
    pytest.param(
        "x = ('%999999d' * 3000) % ((7,) * 3000)",
        "a `%` format to more than 1,000,000",
        id="percent-fields",
    ),
    pytest.param(
        "x = '%(a)999999s%(a)999999s' % dict(a='x')",
        "a `%` format to more than 1,000,000",
        id="percent-named",
    ),
    pytest.param(
        "x = ('\\t' * 1000).expandtabs(tabsize=999999)",
        "str.expandtabs() to more than",
        id="expandtabs-keyword",
    ),
    pytest.param(
        "x = ('\\t' * 3000).expandtabs(1000)", "str.expandtabs() to more than", id="expandtabs-tabs"
    ),
    pytest.param("x = 'a'.ljust(10**6 + 1)", "str.ljust() to more than", id="ljust"),
]


@pytest.mark.parametrize(("attack", "match"), SIZES_CHECKED_AFTER)
def test_sizes_are_charged_before_the_value_is_built(tmp_path, attack, match):
    refused_in_limits(tmp_path, attack, match)


ONE_CALL_UNBOUNDED = [
    pytest.param("x = round(1, -10**8)", "round() to -100000000 digits", id="round"),
    pytest.param(DOUBLED + "x = {t: 1}", "hashing a value whose expanded size", id="hash-key"),
    pytest.param(DOUBLED + "x = {t}", "hashing a value whose expanded size", id="hash-set"),
    pytest.param(DOUBLED + "x = t == t", "comparing a value whose expanded size", id="eq"),
    pytest.param(DOUBLED + "x = t in [1]", "comparing a value whose expanded size", id="in"),
    pytest.param(DOUBLED + "x = str(t)", "passing a value whose expanded size", id="str"),
    pytest.param(DOUBLED + "x = [t].count(t)", "passing a value whose expanded size", id="count"),
    pytest.param(
        DOUBLED + "x = '{}'.format(t)", "formatting a value whose expanded size", id="format"
    ),
    pytest.param(DOUBLED + "x = f'{t}'", "formatting a value whose expanded size", id="f-string"),
    pytest.param(
        DOUBLED + "s = set()\ns.update([t])", "passing a value whose expanded size", id="set-update"
    ),
    pytest.param(
        DOUBLED + "d = dict()\nd.update([(t, 1)])",
        "passing a value whose expanded size",
        id="dict-update",
    ),
    pytest.param(DOUBLED + "x = 1", "a config whose expanded size", id="kept"),
    pytest.param(DEEP + "x = {t: 1}", "hashing a value nested more than 100 deep", id="deep-hash"),
    pytest.param(DEEP + "x = 1", "a config whose values nest more than 100 deep", id="deep-kept"),
    pytest.param(
        "s = set()\nfor i in range(50):\n    s.update(range(i * 10**6, (i + 1) * 10**6))",
        "passing a value whose expanded size",
        id="set-update-grows",
    ),
    pytest.param(
        "d = dict()\nfor i in range(50):\n    d.update(dict.fromkeys(range(10**6)))",
        "the attribute `fromkeys`",
        id="dict-fromkeys",
    ),
    pytest.param(
        BIG + "for i in range(900000):\n    y = s.upper()", "steps", id="upper-of-1mb-900000-times"
    ),
    pytest.param(BIG + "for i in range(10**6):\n    y = s.count('a')", "steps", id="count-of-1mb"),
    pytest.param(BIG + "for i in range(10**6):\n    y = s[1:]", "steps", id="slices-of-1mb"),
    pytest.param(
        "s = 'a' * 999000\nx = [s + str(i) for i in range(3000)]",
        "steps",
        id="values-adding-up-to-3gb",
    ),
    pytest.param(
        "x = [str(i) * 10**5 for i in range(30000)]", "steps", id="strings-adding-up-to-gigabytes"
    ),
    pytest.param("x = [10**19000 + i for i in range(10**5)]", "steps", id="digits-adding-up"),
    pytest.param(
        "x = 7**23000\ny = 3**11000\nfor i in range(10**6):\n    z = x % y",
        "steps",
        id="big-modulo",
    ),
    pytest.param(
        "x = 7**23000\ny = 3**11000\nfor i in range(10**6):\n    z = divmod(x, y)",
        "steps",
        id="big-divmod",
    ),
    pytest.param(
        "x = 7**23000\nfor i in range(10**6):\n    z = round(x, -19000)", "steps", id="big-round"
    ),
    pytest.param(
        "x = sorted([(i,) * 500 for i in range(2000)] * 60)",
        "passing a value whose expanded size",
        id="sorted",
    ),
]


@pytest.mark.parametrize(("attack", "match"), ONE_CALL_UNBOUNDED)
def test_one_call_is_charged_for_the_work_it_does(tmp_path, attack, match):
    refused_in_limits(tmp_path, attack, match)


def test_sum_of_lists_is_linear(tmp_path):
    path = write(tmp_path, {"c.py": "x = sum([[0] * 100] * 5000, [])\nn = len(x)\n"})
    outcome = safe_load_outcome(path)
    assert outcome["tree"]["n"] == 500_000
    with pytest.raises(TypeError, match='can only concatenate list \\(not "tuple"\\) to list'):
        Config.fromfile(write(tmp_path, {"d.py": "x = sum([[1], (2,)], [])\n"}), safe=True)


def test_a_deep_tuple_in_cfgkit_print(tmp_path):
    path = write(tmp_path, {"attack.py": DEEP})
    outcome = safe_load_outcome(path, "print")
    assert outcome["result"] == 2
    assert "a config whose values nest more than 100 deep" in outcome["stderr"]
    assert path in outcome["stderr"]


EXPANDED_AFTER = [
    pytest.param(BIG + "x = [s] * 10**6", "a config whose expanded size", id="1mb-string-1e6"),
    pytest.param(
        BIG + "x = [s for i in range(100)]", "a config whose expanded size", id="1mb-string-100"
    ),
    pytest.param(
        "d = dict(a=1)\nfor i in range(40):\n    d = dict(a=d, b=d)",
        "a config whose expanded size",
        id="dict-dag",
    ),
    pytest.param(
        DOUBLED + "assert False, t", "a message of a value whose expanded size", id="assert"
    ),
    pytest.param(
        DOUBLED + "_deprecation_ = dict(expected=t)",
        "a config whose expanded size",
        id="deprecation",
    ),
]


@pytest.mark.parametrize(("attack", "match"), EXPANDED_AFTER)
def test_what_later_steps_expand_is_bounded_before_them(tmp_path, attack, match):
    refused_in_limits(tmp_path, attack, match)


def test_a_dag_stored_into_a_base_config_dict(tmp_path):
    base = "x = dict(a=1)\n"
    attack = (
        "_base_ = ['base.py']\nd = dict(a=1)\nfor i in range(40):\n    d = dict(a=d, b=d)\n"
        "_base_.x.y = d\n"
    )
    refused_in_limits(tmp_path, attack, "storing a value whose expanded size", **{"base.py": base})
    merge = (
        "_base_ = ['base.py']\nd = dict(a=1)\nfor i in range(40):\n    d = dict(a=d, b=d)\n"
        "_base_.x.merge(dict(y=d))\n"
    )
    refused_in_limits(tmp_path, merge, "passing a value whose expanded size", **{"base.py": base})


@pytest.mark.parametrize(
    "attack",
    [
        pytest.param("x = ['{{ _base_.big }}'] * 10**4", id="value"),
        pytest.param("x = ['a{{ _base_.big }}'] * 10**4", id="inside-a-string"),
        pytest.param("x = ['{{ _base_.big }}' + str(i) for i in range(10**4)]", id="many-strings"),
    ],
)
def test_base_references_multiplying_a_big_list(tmp_path, attack):
    refused_in_limits(
        tmp_path,
        "_base_ = ['base.py']\n" + attack,
        "an expanded size of more than 64,000,000",
        error="ValueSizeError",
        **{"base.py": "big = list(range(10**5))\n"},
    )


def test_a_huge_assert_message_is_bounded(tmp_path):
    path = write(tmp_path, {"c.py": "assert False, 'x' * 10**6\n"})
    with pytest.raises(errors.UnsafeConfigError, match="an assert message of more than"):
        Config.fromfile(path, safe=True)
    path = write(tmp_path, {"d.py": "assert 1 == 2, ('small', 1)\n"})
    with pytest.raises(AssertionError, match=r"\('small', 1\)"):
        Config.fromfile(path, safe=True)


def test_a_memory_error_stays_a_memory_error_naming_the_file(tmp_path):
    path = write(tmp_path, {"a.py": "x = 1\nraise MemoryError('no more')\n"})
    with pytest.raises(MemoryError, match=r"MemoryError: no more.*a\.py, line 2") as info:
        Config.fromfile(path)
    located = info.value
    assert isinstance(located, errors.ConfigError)
    assert located.filename == path
    copy = pickle.loads(pickle.dumps(located))
    assert isinstance(copy, MemoryError)
    assert str(copy) == str(located)


def test_a_yaml_base_60_integer_is_refused(tmp_path):
    digits = ":".join(["59"] * 170_000)  # about 500 KB
    path = write(tmp_path, {"c.yaml": f"x: {digits}\n"})
    outcome = safe_load_outcome(path)
    assert "DataSyntaxError" in outcome["error"], outcome
    assert "a base-60 number of more than 4,300 characters" in outcome["message"]
    small = write(tmp_path, {"d.yaml": "x: 1:30\n"})
    assert Config.fromfile(small).x == 90


CLASS_BODIES = [
    pytest.param(
        "seen = []\nclass A:\n    seen.append(1)\n", "the class `A` (a normal load", 2, id="body"
    ),
    pytest.param("x = 1\nclass A:\n    pass\n", "the class `A`", 2, id="empty"),
    pytest.param(
        "def f(x=open('/etc/passwd')):\n    pass\n", "the builtin `open`", 1, id="def-default"
    ),
]


@pytest.mark.parametrize(("text", "match", "line"), CLASS_BODIES)
def test_definitions_that_run_code_are_refused(tmp_path, text, match, line):
    path = write(tmp_path, {"c.py": text})
    with pytest.raises(errors.UnsafeConfigError, match="Safe mode does not run") as caught:
        Config.fromfile(path, safe=True)
    assert match in str(caught.value)
    assert (caught.value.filename, caught.value.lineno) == (path, line)


def test_definitions_that_run_nothing_load_as_in_a_normal_load(tmp_path):
    text = "seen = []\ndef f(x=seen.append(1), *, y=(2, 3)) -> int:\n    return x\nx = len(seen)\n"
    path = write(tmp_path, {"c.py": text})
    safe = Config.fromfile(path, safe=True).to_dict()
    assert safe == Config.fromfile(path).to_dict()
    assert (safe["seen"], safe["x"]) == ([1], 1)


def test_a_long_number_inside_a_yaml_set_is_refused_too(tmp_path):
    digits = ":".join(["59"] * 3000)
    path = write(tmp_path, {"c.yaml": f"x: !!set\n  ? {digits}\n"})
    with pytest.raises(errors.DataSyntaxError, match="a base-60 number of more than 4,300"):
        Config.fromfile(path)


def test_many_bases_each_in_bounds_are_bounded_as_a_whole(tmp_path):
    files = {
        f"b{i}.py": f"s{i} = '{i}' * 10**6\nx{i} = [s{i}] * 30\n" for i in range(20)
    }  # each file about 60 MB written out: in bounds alone, 1.2 GB together
    bases = ", ".join(f"'b{i}.py'" for i in range(20))
    path = write(tmp_path, {**files, "attack.py": f"_base_ = [{bases}]\n"})
    outcome = safe_load_outcome(path)
    assert "UnsafeConfigError" in outcome.get("error", ()), outcome
    assert "steps" in outcome["message"]
    assert outcome["filename"].startswith(str(tmp_path / "b"))


def test_a_merged_result_past_the_bound_is_refused_before_conversion(tmp_path):
    files = {f"b{i}.py": f"s{i} = '{i}' * 10**6\nx{i} = [s{i}] * 17\n" for i in range(2)}
    attack = "_base_ = ['b0.py', 'b1.py']\n"
    refused_in_limits(
        tmp_path, attack, "Safe mode does not load a config whose expanded size", **files
    )


def test_the_isolated_worker_gives_the_same_values(tmp_path, monkeypatch):
    files = {
        "base.py": "x = dict(a=1, b=(1, 2), c={3}, d=10**30, e=float('inf'))\n",
        "c.py": "_base_ = ['base.py']\nfrom mmdet.models import Net\nmodel = dict(type=Net)\n",
    }
    path = write(tmp_path, files)
    expected = Config.fromfile(path, safe=True).to_dict()
    monkeypatch.setenv("CFGKIT_SAFE_ISOLATE", "1")
    assert Config.fromfile(path, safe=True).to_dict() == expected
    refused = write(tmp_path, {"r.py": "x = open('/etc/passwd')\n"})
    with pytest.raises(errors.UnsafeConfigError, match="the builtin `open`") as caught:
        Config.fromfile(refused, safe=True)
    assert (caught.value.filename, caught.value.lineno) == (refused, 1)
    missing = write(tmp_path, {"k.py": "x = dict()['nope']\n"})
    with pytest.raises(KeyError, match="nope") as caught:
        Config.fromfile(missing, safe=True)
    assert isinstance(caught.value, errors.ConfigError)


def test_the_isolated_worker_is_killed_and_replaced(tmp_path, monkeypatch):
    """A load the worker does not finish in time ends the worker, not the caller (as a bomb
    nobody charged for would), and so does a crash; the next load starts a new worker."""
    from cfgkit.config._load import safe_worker

    monkeypatch.setenv("CFGKIT_SAFE_ISOLATE", "1")
    monkeypatch.setattr(safe_worker, "WALL_SECONDS", 0.5)
    slow = write(tmp_path, {"slow.py": "x = 0\nfor i in range(10**6):\n    x += 1\n"})
    with pytest.raises(errors.UnsafeConfigError, match=r"did not finish within 0\.5 s") as caught:
        Config.fromfile(slow, safe=True)
    assert caught.value.filename == slow
    monkeypatch.setattr(safe_worker, "WALL_SECONDS", 30)
    fine = write(tmp_path, {"fine.py": "x = 1\n"})
    assert Config.fromfile(fine, safe=True).to_dict() == {"x": 1}
    import os
    import signal

    first = safe_worker.worker_process_id()
    assert first is not None
    os.kill(first, signal.SIGKILL)  # a crash between loads
    os.waitpid(first, 0)
    assert Config.fromfile(fine, safe=True).to_dict() == {"x": 1}
    assert safe_worker.worker_process_id() not in (None, first)


@pytest.mark.parametrize(
    ("attack", "match"),
    [
        pytest.param(
            "d = {str(i): i for i in range(10**5)}\nfor i in range(10**6):\n    x = dict(**d)",
            "steps",
            id="keyword-spread",
        ),
        pytest.param(
            "d = {str(i): i for i in range(10**5)}\nfor i in range(10**6):\n    x = {**d}",
            "steps",
            id="dict-spread",
        ),
        pytest.param(
            "r = range(10**6)\nfor i in range(10**6):\n    x = 0.5 in r", "steps", id="in-range"
        ),
    ],
)
def test_spreads_and_scans_are_charged(tmp_path, attack, match):
    refused_in_limits(tmp_path, attack, match)


def test_annotations_are_not_evaluated_as_in_a_normal_load(tmp_path):
    # A normal load compiles with postponed annotations: nothing in them runs.
    text = "x: undefined_name = 1\ndef f(y: print('hi')) -> open('f'):\n    pass\n"
    path = write(tmp_path, {"c.py": text})
    assert Config.fromfile(path, safe=True).to_dict() == Config.fromfile(path).to_dict()
