"""Safe mode: Python configs read without running them; every way out is refused."""

from __future__ import annotations

import pickle
import textwrap

import pytest

from cfgkit import Config
from cfgkit.cli import main
from cfgkit.errors import ConfigError, ConfigExecutionError, UnsafeConfigError
from tests.files import write_files as write


@pytest.fixture
def marker(tmp_path):
    """A file an attack would create; every refusal test checks it was never created."""
    path = tmp_path / "MARKER"
    yield path
    assert not path.exists(), "the attack ran"


def refused(tmp_path, text, **files):
    path = write(tmp_path, {**files, "attack.py": text})
    with pytest.raises(UnsafeConfigError) as caught:
        Config.fromfile(path, safe=True)
    return caught.value


TOUCH = "open({marker!r}, 'w')"


@pytest.mark.parametrize(
    "attack",
    [
        "import os\nx = os.system('touch {marker}')",
        "from os import system\nx = system('touch {marker}')",
        "import subprocess as sp\nx = sp.run(['touch', '{marker}'])",
        "x = __import__('os').system('touch {marker}')",
        "x = " + TOUCH,
        'x = exec("' + TOUCH + '")',
        'x = eval("' + TOUCH + '")',
        "x = compile('1', 'f', 'exec')",
        "x = getattr(dict(), 'keys')",
        "x = globals()",
        "x = vars()",
        "x = breakpoint()",
        "x = print('hello')",
        # Other Unicode forms of `open` and `exec` (fullwidth letters, NFKC-equal).
        "x = \uff4f\uff50\uff45\uff4e({marker!r}, 'w')",
        "x = \uff45\uff58\uff45\uff43('1')",
    ],
)
def test_imports_and_builtins_outside_the_allow_list(tmp_path, marker, attack):
    error = refused(tmp_path, attack.format(marker=str(marker)))
    assert error.filename == str(tmp_path / "attack.py")
    assert error.lineno in (1, 2)
    assert str(error).startswith("Safe mode does not run ")


@pytest.mark.parametrize(
    ("attack", "construct"),
    [
        ("x = ().__class__.__bases__[0].__subclasses__()", "the attribute `__class__` of a tuple"),
        ("x = dict(a=1).__class__", "the attribute `__class__` of a dict"),
        ("x = [].__reduce_ex__(2)", "the attribute `__reduce_ex__` of a list"),
        ("x = (i for i in [1]).gi_frame", "the attribute `gi_frame` of a list"),
        ("x = [].append.__self__", "the attribute `__self__` of the method `append`"),
        ("x = 'a'.upper.__globals__", "the attribute `__globals__` of the method `upper`"),
        ("import os\nx = os.__loader__", "the attribute `__loader__` of the imported name `os`"),
        ("x = _base_.__class__", "the attribute `__class__` of a dict"),
        ("x = (1).real", "the attribute `real` of a int"),
        ("x = '{0.__class__}'.format(1)", "the format field `{0.__class__}`"),
        ("x = '{0[0]}'.format([1])", "the format field `{0[0]}`"),
        ("x = f'{dict().__class__}'", "the attribute `__class__`"),
        ("x = 'a'.format_map({})", "the attribute `format_map` of a str"),
        ("x = __builtins__", "the name `__builtins__`"),
        ("x = __loader__", "the name `__loader__`"),
    ],
)
def test_attribute_walks_are_refused(tmp_path, marker, attack, construct):
    error = refused(tmp_path, attack)
    assert construct in str(error)


@pytest.mark.parametrize(
    ("attack", "construct"),
    [
        ("def f():\n    " + TOUCH + "\nx = f()", "a call of `f`, defined in the config"),
        ("class A:\n    pass\nx = A()", "the class `A` (a normal load runs its body"),
        ("@open\ndef f():\n    pass", "the decorator of `f`"),
        ("x = (lambda: " + TOUCH + ")()", "the expression `lambda"),
        ("try:\n    x = 1\nexcept Exception:\n    pass", "the statement `try"),
        ("global x", "the statement `global x`"),
        ("x = [1].sort(key=" + TOUCH + ")", "the builtin `open`"),
        ("x = [3, 1]\nx.sort(key=len)", "list.sort(key=...)"),
        ("x = (y := 1)", "the expression `(y := 1)`"),
        ("x = yield", "the expression"),
    ],
)
def test_code_that_would_run_is_refused(tmp_path, marker, attack, construct):
    error = refused(tmp_path, attack.format(marker=str(marker)))
    assert construct in str(error)


def test_a_with_block_is_refused_before_anything_runs(tmp_path, marker):
    path = write(
        tmp_path, {"c.py": f"if True:\n    with open({str(marker)!r}, 'w'):\n        pass\n"}
    )
    with pytest.raises(ConfigError, match="Only `read_base` context manager"):
        Config.fromfile(path, safe=True)


def test_functions_defined_but_not_called_are_left_out(tmp_path):
    path = write(tmp_path, {"c.py": "def helper():\n    return 1\nx = 1\n"})
    assert Config.fromfile(path, safe=True).to_dict() == {"x": 1}


@pytest.mark.parametrize(
    ("attack", "construct"),
    [
        ("x = 9**9**9", "too big"),
        ("x = 'a' * 10**10", "too big"),
        ("x = [0] * 10**10", "too big"),
        ("x = 1 << 10**9", "too big"),
        ("x = range(10**10)", "range() of 10000000000 numbers"),
        ("x = set(range(10**7))", "range() of 10000000 numbers"),
        ("x = list(range(10**10))", "range() of"),
        ("x = [0 for a in range(10**6) for b in range(10**6)]", "steps"),
        ("while True:\n    pass", "steps"),
        ("x = [1]\nfor i in x:\n    x.append(i)", "steps"),
        ("x = 'ab'.center(10**12)", "str.center() to"),
        ("x = f'{1:>1000000000}'", "formatting text of more than 1,000,000 characters"),
        ("x = '%1000000000d' % 1", "a `%` format to more than 1,000,000 characters"),
        ("x = '%*d' % (10**9, 1)", "`*` width"),
        ("x = 'a' * 10**6\nx = x.replace('a', x)", "str.replace()"),
        ("x = ('a' * 10**6,) * 10\ny = ''.join(x * 10)", "str.join()"),
        ("x = 10**5000\ny = x * x * x * x", "too big"),
        ("x = [[0] * 10**6] * 10**6", "a config whose expanded size is more than 64,000,000"),
        ("x = [1] * 10**5\ny = [x] * 20", "a config whose expanded size is more than"),
        ("x = int('9' * 100000)", "int() of a string of more than 4300 digits"),
        ("x = bytes(10**10)", "the builtin `bytes`"),
    ],
)
def test_unbounded_work_is_refused_in_bounded_time(tmp_path, attack, construct):
    import time

    start = time.perf_counter()
    error = refused(tmp_path, attack)
    assert construct in str(error)
    assert time.perf_counter() - start < 30


def test_an_attack_in_a_base_two_levels_up(tmp_path, marker):
    files = {
        "_base_/grand.py": f"import os\nx = os.system('touch {marker}')\n",
        "_base_/parent.py": "_base_ = ['./grand.py']\ny = 1\n",
    }
    error = refused(tmp_path, "_base_ = ['./_base_/parent.py']\nz = 2\n", **files)
    assert (error.filename, error.lineno) == (str(tmp_path / "_base_/grand.py"), 2)
    assert "a call of `os.system`, an imported name" in str(error)


def test_an_attack_in_an_environment_variable(tmp_path, marker, monkeypatch):
    monkeypatch.setenv("PAYLOAD", f"__import__('os').system('touch {marker}')")
    error = refused(tmp_path, "x = {{ $PAYLOAD:1 }}\n")
    assert "the name `__import__`" in str(error)


def test_an_attack_in_a_base_reference(tmp_path, marker):
    files = {"_base_/base.py": f"x = dict(a=1)\ny = open({str(marker)!r}, 'w')\n"}
    path = write(
        tmp_path, {**files, "child.py": "_base_ = ['./_base_/base.py']\nz = {{ _base_.x }}\n"}
    )
    with pytest.raises(UnsafeConfigError, match="the builtin `open`"):
        Config.fromfile(path, safe=True)
    walk = write(
        tmp_path,
        {**files, "walk.py": "_base_ = ['./_base_/base.py']\nz = {{ _base_.x.__class__ }}\n"},
    )
    with pytest.raises(ConfigError):
        Config.fromfile(walk, safe=True)


def test_an_attack_in_the_base_list(tmp_path, marker):
    error = refused(tmp_path, f"_base_ = [open({str(marker)!r}, 'w')]\n")
    assert "the builtin `open`" in str(error)


def test_custom_imports_are_never_imported(tmp_path, marker):
    import sys

    (tmp_path / "evil_module.py").write_text(f"open({str(marker)!r}, 'w')\n", encoding="utf-8")
    path = write(tmp_path, {"c.py": "custom_imports = dict(imports=['evil_module'])\n"})
    sys.path.insert(0, str(tmp_path))  # importable: only safe mode keeps it from running
    try:
        cfg = Config.fromfile(path, safe=True)
    finally:
        sys.path.remove(str(tmp_path))
    assert cfg.custom_imports.imports == ["evil_module"]
    assert "evil_module" not in sys.modules


def test_pure_python_configs_in_safe_mode(tmp_path, marker):
    base = "import os\nfrom os.path import join\nnorm = dict(type='BN')\nmodel = dict(norm=norm)\n"
    child = """\
    from mmengine.config import read_base
    with read_base():
        from .base.models import *
    import copy
    model.depth = 50
    other = copy.deepcopy(model)
    other['depth'] = 101
    """
    files = {"base/__init__.py": "", "base/models.py": base, "child.py": child}
    path = write(tmp_path, files)
    safe = Config.fromfile(path, safe=True)
    assert safe.to_dict() == Config.fromfile(path).to_dict()
    assert safe.other.depth == 101
    assert safe.model.depth == 50
    attack = textwrap.dedent(child) + f"x = join('a', 'b')\ny = os.system('touch {marker}')\n"
    (tmp_path / "child.py").write_text(textwrap.dedent(attack), encoding="utf-8")
    with pytest.raises(UnsafeConfigError, match="a call of `join`, an imported name"):
        Config.fromfile(path, safe=True)


ALLOWED = """\
_base_ = ['./_base_/base.py']
import copy
from copy import deepcopy
scales = [(1333, 640 + 32 * i) for i in range(4)]
img_scale = scales[-1]
names = {k: v for k, v in zip(['a', 'b'], range(2))}
levels = {n for n in range(3)}
total = sum(len(s) for s in scales) + round(2.567, 2) + abs(-1) + max(1, 2) + min([3, 4])
flags = any([False, True]) and all([]) or not None
parts = 'a,b,c'.split(',')[::-1]
label = f'{img_scale[0]:05d}-{"-".join(parts)}' + ' x '.strip().upper()
old = '%s-%d' % ('a', 3) + '{}/{name}'.format(1, name='n')
model = dict(backbone=dict(depth=50, **dict(frozen=1)), neck=[1, 2])
model['backbone']['depth'] += 51
model['neck'].extend([3])
model['neck'].append(4)
model['neck'].insert(0, 0)
model['neck'].pop()
if model['backbone']['depth'] > 100:
    size = 'large'
else:
    size = 'small'
for index, value in enumerate(['x', 'y']):
    model[value] = index
pipeline = copy.deepcopy(_base_.pipeline)
pipeline[0].scale = img_scale
pipeline.append(dict(type='Pack'))
same = deepcopy(_base_.pipeline) == _base_.pipeline
_base_.pipeline[0].keep = True
del _base_.unused
a, *rest = [1, 2, 3]
kind = isinstance(a, int) and type_name if False else int('3') + float('1.5')
ratio = 10 / 4 // 1 % 3 - 2 ** 3
bits = 5 & 3 | 8 ^ 1 << 2 >> 1
spans = tuple(sorted(set([3, 1, 2]), reverse=True))
lengths = list(reversed([len(str(x)) for x in (1, 22, 333)]))
cond = 1 if 2 in [1, 2] and 3 not in (4,) and 'a' < 'b' <= 'c' else 0
inside = dict(a=1).get('b', 2), dict(a=1).setdefault('c', 3)
keys = list(dict(a=1, b=2).keys()) + list(dict(a=1).items())[0:1]
"""
BASE = """\
pipeline = [dict(type='Resize', scale=(1, 1))]
unused = 1
"""


def test_every_allowed_construct_gives_the_normal_result(tmp_path):
    path = write(tmp_path, {"_base_/base.py": BASE, "c.py": ALLOWED})
    safe = Config.fromfile(path, safe=True)
    assert safe.to_dict() == Config.fromfile(path).to_dict()
    assert safe.model.backbone.depth == 101
    assert safe.model.neck == [0, 1, 2, 3]
    assert safe.pipeline[0].scale == (1333, 736)
    assert "unused" not in safe
    assert safe.pipeline[-1].type == "Pack"
    assert safe.size == "large"
    assert safe.label.startswith("01333-c-b-a")
    assert "copy" not in safe
    assert "deepcopy" not in safe


def test_errors_of_the_config_are_located_as_in_a_normal_load(tmp_path):
    path = write(tmp_path, {"c.py": "a = dict(x=1)\nb = a['y']\n"})
    with pytest.raises(ConfigExecutionError) as caught:
        Config.fromfile(path, safe=True)
    assert isinstance(caught.value, KeyError)
    assert (caught.value.filename, caught.value.lineno) == (path, 2)
    path = write(tmp_path, {"d.py": "a = undefined_name\n"})
    with pytest.raises(NameError, match="undefined_name"):
        Config.fromfile(path, safe=True)


def test_the_error_pickles_and_is_a_config_error(tmp_path):
    error = refused(tmp_path, "x = open('f')\n")
    assert isinstance(error, ConfigError)
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error)


def test_yaml_and_json_are_safe_already(tmp_path):
    path = write(tmp_path, {"c.yaml": "a: 1\nb: [1, 2]\n"})
    assert Config.fromfile(path, safe=True).to_dict() == {"a": 1, "b": [1, 2]}


def test_the_command_line(tmp_path, marker, monkeypatch, capsys):
    attack = write(tmp_path, {"attack.py": f"import os\nx = os.system('touch {marker}')\n"})
    for command in (
        ["print", attack],
        ["dump", attack, str(tmp_path / "o.json")],
        ["explain", attack],
        ["check", attack],
    ):
        assert main([*command, "--safe"]) == 2
        assert (
            "Safe mode does not run a call of `os.system`, an imported name"
            in capsys.readouterr().err
        )
    second = write(tmp_path, {"b.py": "x = 1\n"})
    assert main(["diff", attack, second, "--safe"]) == 2
    monkeypatch.setenv("CFGKIT_SAFE", "1")
    assert main(["print", attack]) == 2
    assert "Safe mode" in capsys.readouterr().err
    plain = write(tmp_path, {"plain.py": "x = 1\n"})
    assert main(["print", plain, "--no-safe"]) == 0
    assert "x = 1" in capsys.readouterr().out


def test_nothing_a_safe_config_names_is_ever_imported(tmp_path, marker, capsys):
    """Not while loading, not by any command afterwards: imports stay inert references, and
    `check --safe` imports no `<scope>.registry` a type names."""
    import sys

    (tmp_path / "evil_module.py").write_text(f"open({str(marker)!r}, 'w')\n", encoding="utf-8")
    text = (
        "from evil_module import thing\nimport evil_module as em\n"
        "model = dict(type=thing, other=em.x, head=dict(type='evil_module.Head'))\n"
    )
    path = write(tmp_path, {"c.py": text})
    sys.path.insert(0, str(tmp_path))
    try:
        for command in (
            ["print", path],
            ["print", path, "--format", "json"],
            ["print", path, "--format", "yaml"],
            ["dump", path, str(tmp_path / "o.py")],
            ["explain", path],
            ["check", path],
            ["diff", path, path],
        ):
            main([*command, "--safe"])
        cfg = Config.fromfile(path, safe=True)
        with pytest.raises(UnsafeConfigError, match="read in safe mode, which imports nothing"):
            cfg.model.type
        with pytest.raises(UnsafeConfigError, match="imports nothing"):
            cfg.model.other
    finally:
        sys.path.remove(str(tmp_path))
    capsys.readouterr()
    assert "evil_module" not in sys.modules


def test_package_bases_in_safe_mode(fake_package, write_config):
    path = write_config(
        "uses_pkg.py", "_base_ = 'fakepkg::_base_/net.py'\nmodel = dict(backbone=dict(depth=5))\n"
    )
    assert Config.fromfile(str(path), safe=True).to_dict() == Config.fromfile(str(path)).to_dict()


def test_every_test_config_loads_as_in_a_normal_load(configs, fake_package):
    """The configs of tests/data: the same result, or a refusal, never a different dict."""
    from cfgkit.config import clear_cache

    compared = 0
    for path in sorted(configs.rglob("*.py")):
        clear_cache()
        try:
            expected = Config.fromfile(str(path), import_custom_modules=False).to_dict()
        except Exception:
            continue
        try:
            actual = Config.fromfile(str(path), safe=True).to_dict()
        except UnsafeConfigError:
            continue
        except ImportError:
            continue
        assert actual == expected, path
        compared += 1
    assert compared > 25


def test_break_continue_and_else_in_loops(tmp_path):
    text = (
        "seen = []\nfor i in range(10):\n    if i == 1:\n        continue\n    if i == 4:\n"
        "        break\n    seen.append(i)\nelse:\n    seen.append('no break')\n"
        "n = 0\nwhile n < 3:\n    n += 1\nelse:\n    done = True\n"
    )
    path = write(tmp_path, {"c.py": text})
    safe = Config.fromfile(path, safe=True)
    assert safe.to_dict() == Config.fromfile(path).to_dict()
    assert (safe.seen, safe.n, safe.done) == ([0, 2, 3], 3, True)


def test_parsed_trees_kept_in_the_process_never_change_results(tmp_path, monkeypatch):
    """Safe mode keeps each file's syntax tree (like the compile cache keeps code): a second
    load, and a load after the file changed, give what a load without it gives."""
    import sys

    from cfgkit.config import clear_cache

    path = write(tmp_path, {"_base_/base.py": BASE, "c.py": ALLOWED})
    monkeypatch.delenv("CFGKIT_NO_CACHE", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    first = Config.fromfile(path, safe=True).to_dict()
    clear_cache()
    second = Config.fromfile(path, safe=True).to_dict()
    monkeypatch.setenv("CFGKIT_NO_CACHE", "1")
    clear_cache()
    assert first == second == Config.fromfile(path, safe=True).to_dict()
    monkeypatch.delenv("CFGKIT_NO_CACHE")
    (tmp_path / "c.py").write_text(ALLOWED.replace("range(4)", "range(2)"), encoding="utf-8")
    clear_cache()
    assert Config.fromfile(path, safe=True).img_scale == (1333, 672)
