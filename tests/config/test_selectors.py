"""List selectors: edit list elements by what they are, in options and in child configs."""

from __future__ import annotations

import argparse

import pytest

from cfgkit import Config, DictAction
from cfgkit.errors import ConfigKeyError, SelectorError
from tests.files import write_files as write

PIPELINE = [
    dict(type="Load"),
    dict(type="Resize", scale=(1, 1), keep_ratio=True),
    dict(type="Resize", scale=(2, 2), keep_ratio=False),
    dict(type="Flip", prob=0.5),
    dict(type="Pack"),
]


def config():
    return Config(
        dict(
            train_pipeline=[dict(d) for d in PIPELINE],
            model=dict(heads=[dict(type="A", n=1), dict(type="B", n=2)]),
        )
    )


def types(cfg):
    return [step["type"] for step in cfg.train_pipeline]


def options(*items):
    parser = argparse.ArgumentParser()
    parser.add_argument("--cfg-options", nargs="+", action=DictAction)
    return parser.parse_args(["--cfg-options", *items]).cfg_options


def test_edit_the_element_whose_fields_match():
    cfg = config()
    cfg.merge_from_dict({"train_pipeline[type=Resize,keep_ratio=True].scale": (640, 480)})
    assert cfg.train_pipeline[1].scale == (640, 480)
    assert cfg.train_pipeline[2].scale == (2, 2)


def test_nested_selectors_and_dots_inside_values():
    cfg = config()
    cfg.merge_from_dict({"model.heads[type=B].n": 3})
    assert cfg.model.heads[1].n == 3
    cfg = Config(dict(p=[dict(type="mmdet.Resize", scale=1.5)]))
    cfg.merge_from_dict({"p[type=mmdet.Resize,scale=1.5].scale": 2})
    assert cfg.p[0].scale == 2


def test_append_insert_and_remove():
    cfg = config()
    cfg.merge_from_dict(
        {
            "train_pipeline[+]": dict(type="Tail"),
            "train_pipeline[type=Pack]:before": dict(type="Before"),
            "train_pipeline[type=Load]:after": dict(type="After"),
            "~train_pipeline[type=Flip]": None,
        }
    )
    assert types(cfg) == ["Load", "After", "Resize", "Resize", "Before", "Pack", "Tail"]


def test_replace_an_element_whole():
    cfg = config()
    cfg.merge_from_dict({"train_pipeline[type=Flip]": dict(_delete_=True, type="Flop")})
    assert cfg.train_pipeline[3] == {"type": "Flop"}
    cfg.merge_from_dict({"train_pipeline[type=Flop]": "a string"})
    assert cfg.train_pipeline[3] == "a string"


def test_on_the_command_line_with_dict_values():
    given = options(
        "train_pipeline[type=Resize,keep_ratio=True].scale=(640,480)",
        "train_pipeline[+]=dict(type=Foo,p=1,size=(1,2),inner=dict(a=[1,2]))",
        "~train_pipeline[type=Flip]",
    )
    assert given["train_pipeline[+]"] == {
        "type": "Foo",
        "p": 1,
        "size": (1, 2),
        "inner": {"a": [1, 2]},
    }
    cfg = config()
    cfg.merge_from_dict(given)
    assert types(cfg) == ["Load", "Resize", "Resize", "Pack", "Foo"]
    assert cfg.train_pipeline[1].scale == (640, 480)


def test_a_bad_dict_value_on_the_command_line():
    with pytest.raises(SystemExit):
        options("x=dict(1)")


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "train_pipeline[type=Resize].scale",
            "train_pipeline[type=Resize] matches 2 elements (1, 2)",
        ),
        (
            "train_pipeline[type=Resise].scale",
            "matches no element of train_pipeline. The elements' types: 0: Load, 1: Resize, "
            "2: Resize, 3: Flip, 4: Pack. Did you mean 'Resize'?",
        ),
        (
            "model[type=A].n",
            "model[type=A]: a selector picks an element of a list, but model is a dict",
        ),
    ],
)
def test_errors_name_the_key_path_the_selector_and_the_types(key, message):
    cfg = config()
    before = cfg.to_dict()
    given = {key: 1, "model.heads[type=A].n": 9}
    with pytest.raises(SelectorError) as caught:
        cfg.merge_from_dict(given)
    assert message in str(caught.value)
    assert isinstance(caught.value, (ConfigKeyError, KeyError))
    assert cfg.to_dict() == before  # atomic
    assert given == {key: 1, "model.heads[type=A].n": 9}


def test_a_list_of_non_dicts():
    cfg = Config(dict(steps=[8, 11]))
    with pytest.raises(
        SelectorError,
        match="a selector picks a dict from a list of dicts, but steps holds int values",
    ):
        cfg.merge_from_dict({"steps[type=X]": 1})


def test_bracketed_keys_that_are_not_selectors_keep_their_meaning():
    # A tokenizer's labels are keys like `[CLS]`: merged into a dict as mmengine does.
    cfg = Config(dict(label2id={"[PAD]": 0}))
    cfg.merge_from_dict({"label2id": {"[CLS]": 1, "[SEP]": 2}})
    assert cfg.label2id == {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2}
    # Without `field=value` the brackets are not a selector: the key is mmengine's literal key.
    cfg = Config(dict(p=[dict(type="A")]))
    cfg.merge_from_dict({"p[type].x": 1})
    assert cfg.to_dict() == {"p": [{"type": "A"}], "p[type]": {"x": 1}}


BASE = """\
img_scale = (1333, 800)
train_pipeline = [
    dict(type='Load'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='Flip', prob=0.5),
    dict(type='Pack'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
"""


@pytest.mark.parametrize(
    ("name", "child"),
    [
        (
            "child.py",
            """\
            _base_ = ['./base.py']
            train_pipeline = {
                '[type=Resize]': dict(scale=(640, 480)),
                '[type=Pack]:before': dict(type='Color'),
                '~[type=Flip]': None,
                '[+]': dict(type='Tail'),
            }
            """,
        ),
        (
            "child.yaml",
            """\
            _base_: ./base.py
            train_pipeline:
              "[type=Resize]": {scale: [640, 480]}
              "[type=Pack]:before": {type: Color}
              "~[type=Flip]": null
              "[+]": {type: Tail}
            """,
        ),
        (
            "child.json",
            """\
            {"_base_": "./base.py", "train_pipeline": {"[type=Resize]": {"scale": [640, 480]},
             "[type=Pack]:before": {"type": "Color"}, "~[type=Flip]": null,
             "[+]": {"type": "Tail"}}}
            """,
        ),
    ],
)
def test_child_configs_write_selectors_over_a_base_list(tmp_path, name, child):
    path = write(tmp_path, {"base.py": BASE, name: child})
    cfg = Config.fromfile(path)
    assert types(cfg) == ["Load", "Resize", "Color", "Pack", "Tail"]
    assert list(cfg.train_pipeline[1].scale) == [640, 480]
    assert cfg.train_pipeline[1].keep_ratio is True
    record = cfg.provenance("train_pipeline.1.scale")[-1]
    assert (record.filename, record.layer) == (str(tmp_path / name), "config")
    assert cfg.provenance("train_pipeline.4.type")[-1].filename == str(tmp_path / name)
    # `Pack` moved (an insertion and a removal before it): the child's edit is credited.
    assert cfg.provenance("train_pipeline.3.type")[-1].value == "Pack"
    assert cfg.provenance("train_pipeline.3.type")[-1].filename == str(tmp_path / name)
    # The dataloader's copy is stale; following reaches it.
    assert [s.key for s in cfg.stale_references()] == ["train_dataloader.dataset.pipeline"]
    followed = Config.fromfile(path, follow_references=True)
    assert [s["type"] for s in followed.train_dataloader.dataset.pipeline] == types(cfg)


def test_a_selector_that_matches_nothing_in_a_child_names_the_file(tmp_path):
    path = write(
        tmp_path,
        {
            "base.py": BASE,
            "c.py": "_base_ = ['./base.py']\ntrain_pipeline = {'[type=Resise]': dict(scale=1)}\n",
        },
    )
    with pytest.raises(SelectorError) as caught:
        Config.fromfile(path)
    assert caught.value.filename == path
    assert "Did you mean 'Resize'?" in str(caught.value)


def test_an_option_selector_with_follow_references(tmp_path):
    path = write(tmp_path, {"base.py": BASE, "c.py": "_base_ = ['./base.py']\n"})
    cfg = Config.fromfile(path, follow_references=True)
    cfg.merge_from_dict(options("train_pipeline[type=Resize].scale=(640,480)"))
    assert cfg.train_dataloader.dataset.pipeline[1].scale == (640, 480)


def test_ordinary_keys_with_brackets_keep_their_meaning():
    cfg = Config(dict(a=dict()))
    cfg.merge_from_dict({"a.[not a selector": 1, "b[1]": 2})
    assert cfg.to_dict() == {"a": {"[not a selector": 1}, "b[1]": 2}  # mmengine's meaning


def test_provenance_gives_the_line_of_the_selector(tmp_path):
    child = """\
    _base_ = ['./base.py']
    train_pipeline = {
        '[+]': dict(type='Tail'),
        '[type=Resize]': dict(
            scale=(640, 480)),
    }
    """
    path = write(tmp_path, {"base.py": BASE, "c.py": child})
    cfg = Config.fromfile(path)
    assert cfg.provenance("train_pipeline.1.scale")[-1].lineno == 5
    assert cfg.provenance("train_pipeline.4.type")[-1].lineno == 3
    yaml = write(
        tmp_path,
        {"y.yaml": '_base_: ./base.py\ntrain_pipeline:\n  "[type=Resize]":\n    scale: [1, 2]\n'},
    )
    assert Config.fromfile(yaml).provenance("train_pipeline.1.scale")[-1].lineno == 4
