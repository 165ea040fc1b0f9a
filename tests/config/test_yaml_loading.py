"""cfgkit builds YAML documents itself from PyYAML's nodes; the result must be PyYAML's."""

from __future__ import annotations

import datetime

import pytest
import yaml

from cfgkit.config._load.yaml_safe import SafeTupleDumper, SafeTupleLoader, dump_yaml, load_yaml
from cfgkit.errors import DataSyntaxError, NestingError, UnsafeYamlError

DOCUMENTS = {
    "scalars": (
        "s: text\nq: '1'\ni: 42\nneg: -7\nhex: 0x1f\noct: 017\nbin: 0b101\nsexa: 1:30\n"
        "under: 1_000\nf: 1.5\nexp: 1e3\ninf: .inf\nninf: -.Inf\nyes: yes\nno: off\n"
        "t: True\nn: ~\nnull2: null\nempty:\n"
    ),
    "nesting": "model:\n  type: A\n  layers: [1, 2, {a: [3, {b: 4}]}]\n  cfg: {x: 1}\n",
    "tuple": (
        "scale: !!python/tuple [1333, 800]\nnested: !!python/tuple [[1, 2], !!python/tuple [3]]\n"
    ),
    "tuple key": "? !!python/tuple [1, 2]\n: pair\n",
    "merge": (
        "base: &b {a: 1, b: 2}\nother: &o {c: 3}\nchild:\n  <<: [*b, *o]\n  b: 5\n"
        "single:\n  <<: *b\n  z: 0\n"
    ),
    "aliases": "a: &x [1, {k: v}]\nb: *x\nc: *x\n",
    "value key": "=: v\nk: 1\n",
    "timestamps": "d: 2024-01-02\nts: 2001-12-14t21:59:43.10-05:00\n",
    "other tags": (
        "s: !!set {a, b}\no: !!omap [{a: 1}, {b: 2}]\np: !!pairs [{a: 1}, {a: 2}]\n"
        "bin: !!binary aGVsbG8=\nstr: !!str 12\nint: !!int '7'\nfloat: !!float '3'\n"
    ),
    "non-string keys": "1: one\n2.5: two\ntrue: t\n~: n\n",
    "sequence document": "- 1\n- [2, 3]\n",
    "scalar document": "just text\n",
    "empty mapping": "{}\n",
    "unicode": "name: 'é ü 中文'\nemoji: \"\\u263A\"\n",
    "long strings": "s: |\n  line one\n  line two\nf: >\n  folded\n  text\n",
}


class PyYamlLoader(SafeTupleLoader):
    """The same loader with PyYAML's own tag resolving (``yaml.load`` builds with PyYAML's
    ``construct_document``)."""

    resolve = yaml.resolver.BaseResolver.resolve


def pyyaml(text: str) -> object:
    return yaml.load(text, Loader=PyYamlLoader)


def same(left: object, right: object) -> bool:
    """Equal, with the same types all the way down."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(  # type: ignore[call-overload]
            same(k1, k2) and same(v1, v2)
            for (k1, v1), (k2, v2) in zip(left.items(), right.items())  # type: ignore[attr-defined]
        )
    if isinstance(left, (list, tuple)):
        return len(left) == len(right) and all(  # type: ignore[arg-type]
            same(a, b)
            for a, b in zip(left, right)  # type: ignore[call-overload]
        )
    return bool(left == right) or (left != left and right != right)


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_documents_load_as_pyyaml_builds_them(text):
    assert same(load_yaml(text, "c.yaml"), pyyaml(text))


def test_timestamps_and_sets_keep_their_types():
    loaded = load_yaml(DOCUMENTS["timestamps"] + "s: !!set {a}\n", "c.yaml")
    assert type(loaded["d"]) is datetime.date
    assert type(loaded["ts"]) is datetime.datetime
    assert loaded["s"] == {"a"}


def test_an_alias_is_the_same_object_as_its_anchor():
    loaded = load_yaml(DOCUMENTS["aliases"], "c.yaml")
    assert loaded["a"] is loaded["b"] is loaded["c"]


def test_merged_keys_are_there_and_own_keys_win():
    # (Their order is PyYAML's, which changed in 6.0.4: the test above compares with it.)
    loaded = load_yaml(DOCUMENTS["merge"], "c.yaml")
    assert loaded["child"] == {"a": 1, "b": 5, "c": 3}
    assert loaded["single"] == {"a": 1, "b": 2, "z": 0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("? [1, 2]\n: x\n", "found unhashable key"),
        ("? !!python/tuple [[1]]\n: x\n", "found unhashable key"),
        ("a:\n  <<: [1]\n", "expected a mapping for merging"),
        ("a:\n  <<: 3\n", "expected a mapping or list of mappings for merging"),
    ],
    ids=["list key", "tuple holding a list", "merge of a scalar list", "merge of a scalar"],
)
def test_bad_mappings_are_data_syntax_errors(text, message):
    with pytest.raises(DataSyntaxError, match=message) as caught:
        load_yaml(text, "c.yaml")
    assert caught.value.filename == "c.yaml"


def test_python_tags_other_than_tuple_are_refused_anywhere():
    text = "model:\n  layers:\n    - !!python/object/apply:os.system ['echo hi']\n"
    with pytest.raises(UnsafeYamlError, match="only !!python/tuple is allowed"):
        load_yaml(text, "c.yaml")


def test_an_alias_inside_its_own_value_is_refused():
    with pytest.raises(NestingError, match="contain itself"):
        load_yaml("a: &x [1, *x]\n", "c.yaml")


def test_corpus_yaml_loads_as_pyyaml_builds_it():
    from tests.compat.corpus import config_files, ensure_corpus

    site, reason = ensure_corpus()
    if site is None:
        pytest.skip(reason)
    files = [path for path in config_files(site) if path.suffix in (".yml", ".yaml")]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert same(load_yaml(text, str(path)), pyyaml(text)), path


class PyYamlDumper(SafeTupleDumper):
    """The same dumper with PyYAML's own per-value representing and tag resolving."""

    represent_data = yaml.representer.BaseRepresenter.represent_data
    resolve = yaml.resolver.BaseResolver.resolve


SHARED = [1, 2]
DUMPED = {
    "scalars": {"s": "text", "i": 3, "neg": -2, "f": 1.5, "b": True, "n": None, "e": ""},
    "strings that need quotes": {
        "k": ["yes", "1", "1.0", "null", "~", "a: b", "- x", "# c", "x\ny", " lead", "é"],
    },
    "markers": {"ref": "{{ _base_.x }}", "merge": "<< here", "key {{": 1},
    "floats": [float("inf"), float("-inf"), 1e300, 0.1, -0.0],
    "huge int": {"big": 10**5000, "ok": 10**20},
    "nesting": {"model": {"type": "A", "layers": [{"a": [1, {"b": ()}]}, [], {}]}},
    "tuples": {"scale": (1333, 800), "nested": ((1, 2), [3, (4,)])},
    "shared list": {"a": SHARED, "b": SHARED, "c": {"d": SHARED}},
    "unsortable keys": {"b": 1, 2: "two", "a": 3, (1, 2): "t"},
    "sorted keys": {"z": 1, "a": 2, "m": {"y": 1, "b": 2}},
    "sets and dates": {"s": {"a", "b"}, "d": datetime.date(2024, 1, 2)},
    "bytes": {"blob": b"\x00\x01"},
}


@pytest.mark.parametrize("data", DUMPED.values(), ids=DUMPED.keys())
def test_dumps_are_the_text_pyyaml_writes(data):

    assert dump_yaml(data) == yaml.dump(data, Dumper=PyYamlDumper)


def test_corpus_dumps_are_the_text_pyyaml_writes():
    from cfgkit import Config
    from tests.compat.corpus import config_files, ensure_corpus

    site, reason = ensure_corpus()
    if site is None:
        pytest.skip(reason)
    for path in config_files(site)[::7]:
        try:
            tree = Config.fromfile(path, import_custom_modules=False, lazy_import=False).to_dict()
        except Exception:  # configs that need packages not installed here
            continue
        try:
            expected = yaml.dump(tree, Dumper=PyYamlDumper)
        except yaml.YAMLError:
            with pytest.raises(yaml.YAMLError):
                dump_yaml(tree)
            continue
        assert dump_yaml(tree) == expected, path
