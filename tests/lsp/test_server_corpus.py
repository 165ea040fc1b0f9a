"""``cfgkit lsp`` end to end, over stdio, on the real configs of the mmdet 3.3.0 and
mmpretrain 1.2.0 wheels: what an editor is told must equal what cfgkit's public analysis says
(``Config.fromfile``, ``check`` against the static index, ``Index.find``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cfgkit import Config, check
from cfgkit.checking import static_index
from cfgkit.config import project_roots
from tests.lsp.client import uri

pytestmark = [pytest.mark.corpus]

FASTER = "faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py"
R101 = "faster_rcnn/faster-rcnn_r101_fpn_1x_coco.py"
MODEL = "_base_/models/faster-rcnn_r50_fpn.py"


def configs(site: Path) -> Path:
    return site / "mmdet" / ".mim" / "configs"


def position(path: Path, pattern: str, offset: int = 0, text: str | None = None) -> tuple[int, int]:
    """The line and column of the first match of ``pattern`` (plus ``offset``)."""
    text = path.read_text(encoding="utf-8") if text is None else text
    match = re.search(pattern, text)
    assert match is not None, pattern
    line = text.count("\n", 0, match.start())
    return line, match.start() - (text.rfind("\n", 0, match.start()) + 1) + offset


def opened(server, path: Path, text: str | None = None) -> list:
    """Open a document and wait for its diagnostics (published once its index is ready)."""
    mark = server.open(path, text)
    return server.diagnostics(path, mark)


def load(path: Path) -> Config:
    return Config.fromfile(
        path, safe=True, safe_root=project_roots(path), import_custom_modules=False
    )


def test_type_goes_to_the_class_a_build_in_that_scope_finds(server, corpus_paths):
    site, sources = corpus_paths
    model = configs(site) / MODEL
    opened(server, configs(site) / FASTER)
    line, column = position(model, r"type='ResNet'", 7)
    found = server.at("textDocument/definition", model, line, column)
    assert len(found) == 1
    target = Path(found[0]["uri"].removeprefix("file://"))
    assert target == site / "mmdet" / "models" / "backbones" / "resnet.py"
    line_text = target.read_text().splitlines()[found[0]["range"]["start"]["line"]]
    assert line_text.startswith("class ResNet(")
    # What the static lookup (checked against the run-time registries) finds in mmdet.
    index = static_index(load(configs(site) / FASTER), path=[str(sources), str(site)])
    registrations = index.find("ResNet", "mmdet")
    assert [r.filename for r in registrations] == [str(target)]


def test_a_base_entry_goes_to_its_file_package_bases_too(server, corpus_paths):
    site, _ = corpus_paths
    child = configs(site) / R101
    found = server.at("textDocument/definition", child, 0, 14)
    assert found == [
        {"uri": uri(configs(site) / FASTER), "range": {"start": {"line": 0, "character": 0},
                                                       "end": {"line": 0, "character": 0}}}
    ]  # fmt: skip
    byol = site / "mmpretrain/.mim/configs/byol/benchmarks/mask-rcnn_r50_fpn_ms-1x_coco.py"
    found = server.at("textDocument/definition", byol, 0, 20)
    assert found[0]["uri"] == uri(configs(site) / "mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py")


def test_a_key_a_child_sets_goes_to_the_base_line_it_overrides(server, corpus_paths):
    site, _ = corpus_paths
    child = configs(site) / R101
    line, column = position(child, r"depth=101")
    found = server.at("textDocument/definition", child, line, column + 1)
    record = load(child).provenance("model.backbone.depth")[0]
    assert found[0]["uri"] == uri(Path(record.filename))
    assert found[0]["range"]["start"]["line"] == record.lineno - 1
    assert "depth=50" in Path(record.filename).read_text().splitlines()[record.lineno - 1]


def test_hover_on_a_key_gives_the_final_value_and_its_history(server, corpus_paths):
    site, _ = corpus_paths
    child = configs(site) / R101
    line, column = position(child, r"depth=101")
    hover = server.at("textDocument/hover", child, line, column + 2)["contents"]["value"]
    cfg = load(child)
    assert f"= `{cfg.model.backbone.depth!r}`" in hover
    assert "`50` at ../_base_/models/faster-rcnn_r50_fpn.py:12 → `101` here, line 4" in hover


def test_hover_on_a_type_gives_signature_registry_and_docstring(server, corpus_paths):
    site, _ = corpus_paths
    model = configs(site) / MODEL
    line, column = position(model, r"type='ResNet'", 8)
    hover = server.at("textDocument/hover", model, line, column)["contents"]["value"]
    assert "class ResNet(depth, in_channels=3," in hover
    assert "registry `model` (scope `mmdet`) at mmdet/models/backbones/resnet.py:305" in hover
    assert "ResNet backbone." in hover


def test_completion_offers_the_registry_names_and_the_constructor_keywords(server, corpus_paths):
    site, _ = corpus_paths
    model = configs(site) / MODEL
    text = model.read_text()
    line, column = position(model, r"type='ResNet'", 7)
    names = server.at("textDocument/completion", model, line, column)["items"]
    labels = {i["label"] for i in names}
    assert {"ResNet", "ResNeXt", "SwinTransformer", "FasterRCNN"} <= labels
    assert "LoadImageFromFile" not in labels  # a transform: not built under model
    edited = text.replace("depth=50,", "depth=50, \n", 1)
    opened(server, model)
    server.change(model, edited)
    line, column = position(model, r"depth=50, \n", 11, edited)
    items = server.at("textDocument/completion", model, line + 1, 0)["items"]
    keywords = {i["label"]: i.get("detail", "") for i in items}
    assert "stem_channels" in keywords
    assert "depth" not in keywords  # given already
    assert "num_stages" not in keywords  # given after the cursor
    assert keywords["base_channels"] == "ResNet(base_channels=64)"
    server.close(model)


def test_diagnostics_equal_check_and_unsaved_edits_are_seen(server, corpus_paths):
    site, sources = corpus_paths
    child = configs(site) / R101
    assert opened(server, child) == []
    typo = child.read_text().replace("depth=101,", "depth=101, deepth=3,")
    mark = server.change(child, typo)
    diagnostics = server.diagnostics(child, mark)
    # What check says of the same text (given for the file, as the server gives it).
    cfg = Config.fromfile(
        child,
        safe=True,
        safe_root=project_roots(str(child)),
        import_custom_modules=False,
        texts={str(child): typo},
    )
    problems = check(cfg, index=static_index(cfg, path=[str(sources), str(site)]), imports=False)
    expected = [(p.lineno - 1, p.text) for p in problems if p.filename == str(child)]
    assert expected
    assert [(d["range"]["start"]["line"], d["message"]) for d in diagnostics] == expected
    assert "deepth" in diagnostics[0]["message"]
    actions = server.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri(child)},
            "range": diagnostics[0]["range"],
            "context": {"diagnostics": diagnostics},
        },
    )
    assert [a["title"] for a in actions] == ["Replace with 'depth'", "Replace with 'deep_stem'"]
    edit = actions[0]["edit"]["changes"][uri(child)][0]
    assert edit["newText"] == "depth"
    assert edit["range"] == diagnostics[0]["range"]
    line = typo.splitlines()[edit["range"]["start"]["line"]]
    start, end = edit["range"]["start"]["character"], edit["range"]["end"]["character"]
    assert line[start:end] == "deepth"
    mark = server.change(child, child.read_text())
    assert server.diagnostics(child, mark) == []


def test_an_edit_to_an_open_base_updates_the_configs_inheriting_it(server, corpus_paths):
    site, _ = corpus_paths
    child = configs(site) / R101
    model = configs(site) / MODEL
    opened(server, child)
    text = model.read_text()
    opened(server, model)
    mark = server.change(model, text.replace("type='FPN'", "type='FPNN'", 1))
    found = server.diagnostics(child, mark)
    assert found == []  # the problem is written in the base: shown there
    in_base = server.diagnostics(model, mark)
    assert any("'FPNN'" in d["message"] and "Did you mean 'FPN'" in d["message"] for d in in_base)
    hover = server.at("textDocument/hover", child, 3, 9)["contents"]["value"]
    assert "depth" in hover
    mark = server.change(model, text)
    assert server.diagnostics(model, mark) == []
    server.close(model)


def test_symbols_and_inlay_hints(server, corpus_paths):
    site, _ = corpus_paths
    child = configs(site) / R101
    symbols = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(child)}})
    assert [s["name"] for s in symbols] == ["_base_", "model"]
    assert [c["name"] for c in symbols[1]["children"]] == ["backbone"]
    hints = server.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": uri(child)},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 10, "character": 0}},
        },
    )
    assert {h["label"] for h in hints} == {" ← 50", " ← 'torchvision://resnet50'"}


def test_a_scoped_type_goes_to_the_other_package(server, corpus_paths):
    site, sources = corpus_paths
    config = (
        configs(site)
        / "convnext/cascade-mask-rcnn_convnext-t-p4-w7_fpn_4conv1fc-giou_amp-ms-crop-3x_coco.py"
    )
    opened(server, config)
    line, column = position(config, r"'mmpretrain\.ConvNeXt'", 3)
    found = server.at("textDocument/definition", config, line, column)
    assert [f["uri"] for f in found] == [uri(site / "mmpretrain/models/backbones/convnext.py")]
    cfg = load(config)
    index = static_index(cfg, path=[str(sources), str(site)])
    (registration,) = index.find("mmpretrain.ConvNeXt", "mmdet")
    assert registration.filename == str(site / "mmpretrain/models/backbones/convnext.py")
    hover = server.at("textDocument/hover", config, line, column)["contents"]["value"]
    assert "registry `model` (scope `mmpretrain`)" in hover
    server.close(config)


def test_a_base_edit_shows_in_the_child_that_wrote_the_key(server, corpus_paths):
    site, _ = corpus_paths
    child = configs(site) / R101
    model = configs(site) / MODEL
    assert opened(server, child) == []
    text = model.read_text()
    opened(server, model)
    # With a ViT-like backbone in the base, the child's depth=101 is still fine, but a
    # backbone type that takes no `depth` makes the child's own key wrong, in the child.
    mark = server.change(model, text.replace("type='ResNet'", "type='SwinTransformer'", 1))
    found = server.diagnostics(child, mark)
    assert [(d["range"]["start"]["line"], d["code"]) for d in found] == [
        (3, "model.backbone.depth")
    ]
    mark = server.change(model, text)
    assert server.diagnostics(child, mark) == []
    server.close(model)
