"""`cfgkit check` on the configs of eight more OpenMMLab projects (mmseg, mmpose, mmdet3d,
mmocr, mmaction, mmyolo, mmagic, mmrotate), against a static index of their sources and those
they build on (mmdet, mmpretrain, mmengine, mmcv): every error is one of the real mistakes
below, so nothing that works at run time is reported.
"""

from __future__ import annotations

import os
import sys
import warnings

import pytest

from cfgkit import Config, check
from cfgkit.checking import static_index
from tests.compat.corpus import MORE_WHEELS, ensure_corpus, ensure_more, ensure_sources

pytestmark = [pytest.mark.corpus]

# Each a real mistake at these versions: classes the wheel does not have (mmaction's DRN,
# whose package the wheel leaves out; mmpose's HalpeHandDataset; mmrotate's S2ANet for le135
# and its heads), keywords the class does not take (mmpose's PackPoseInputs
# extra_mapping_labels, mmaction's DecordDecode io_backend, mmagic's BigGAN-Deep init_cfg,
# mmdet3d's IndoorMetric ann_file/metric and mmdet's MaskRCNN pretrained), an mmdet3d 0.x
# transform (Collect3D).
KNOWN_ERRORS = {
    "mmaction/localization/drn/drn_2xb16-4096-10e_c3d-feature_first.py": ["model.type"],
    "mmaction/localization/drn/drn_2xb16-4096-10e_c3d-feature_second.py": ["model.type"],
    "mmaction/localization/drn/drn_2xb16-4096-10e_c3d-feature_third.py": ["model.type"],
    "mmaction/recognition/tsm/tsm_imagenet-pretrained-r50_8xb16-1x1x16-50e_kinetics400-rgb.py": [
        "val_dataloader.dataset.pipeline.2.io_backend"
    ],
    "mmagic/biggan/biggan-deep_cvt-hugging-face-rgb_imagenet1k-128x128.py": [
        "model.discriminator.init_cfg",
        "model.generator.init_cfg",
    ],
    "mmagic/biggan/biggan-deep_cvt-hugging-face_rgb_imagenet1k-256x256.py": [
        "model.discriminator.init_cfg",
        "model.generator.init_cfg",
    ],
    "mmagic/biggan/biggan-deep_cvt-hugging-face_rgb_imagenet1k-512x512.py": [
        "model.discriminator.init_cfg",
        "model.generator.init_cfg",
    ],
    "mmdet3d/_base_/models/cascade-mask-rcnn_r50_fpn.py": ["model.pretrained"],
    "mmdet3d/_base_/models/mask-rcnn_r50_fpn.py": ["model.pretrained"],
    "mmdet3d/free_anchor/pointpillars_hv_regnet-3.2gf_fpn_head-free-anchor_sbn-all_8xb4-strong-aug-3x_nus-3d.py": [  # noqa: E501
        "train_dataloader.dataset.pipeline.9.type"
    ],
    "mmdet3d/imvoxelnet/imvoxelnet_2xb4_sunrgbd-3d-10class.py": [
        "val_evaluator.ann_file",
        "val_evaluator.metric",
    ],
    "mmpose/body_2d_keypoint/yoloxpose/coco/yoloxpose_tiny_4xb64-300e_coco-416.py": [
        "train_dataloader.dataset.pipeline.7.extra_mapping_labels"
    ],
    "mmpose/hand_2d_keypoint/rtmpose/hand5/rtmpose-m_8xb256-210e_hand5-256x256.py": [
        "test_dataloader.dataset.datasets.4.type",
        "train_dataloader.dataset.datasets.4.type",
    ],
    "mmrotate/s2anet/s2anet-le135_r50_fpn_3x_hrsc.py": [
        "model.align_cfgs.channels",
        "model.align_cfgs.featmap_strides",
        "model.fam_head.anchor_generator.type",
        "model.fam_head.bbox_coder.type",
        "model.odm_head.anchor_generator.type",
        "model.odm_head.bbox_coder.type",
        "model.odm_head.type",
        "model.type",
    ],
}
# mmdet3d's nuImages configs and their base are mmdet 2.x configs (a `data` dict of mmdet 2.x
# transforms, `pretrained=`): each gets errors, all under these keys.
LEGACY = ("mmdet3d/nuimages/", "mmdet3d/_base_/datasets/nuim-instance.py")
LEGACY_KEYS = ("data.", "model.pretrained")


@pytest.fixture(scope="module")
def projects():
    site, reason = ensure_corpus()
    sources, reason_sources = ensure_sources()
    more, reason_more = ensure_more()
    if site is None or sources is None or more is None:
        pytest.skip(reason or reason_sources or reason_more)
    sys.path[:0] = [str(more), str(site)]
    saved = os.environ.get("CFGKIT_CACHE_DIR")
    os.environ["CFGKIT_CACHE_DIR"] = str(sources.parent / "cache")
    try:
        yield more, [str(sources), str(site), str(more)]
    finally:
        sys.path.remove(str(more))
        sys.path.remove(str(site))
        if saved is None:
            del os.environ["CFGKIT_CACHE_DIR"]
        else:
            os.environ["CFGKIT_CACHE_DIR"] = saved


def test_every_error_in_eight_more_projects_is_a_real_mistake(projects):
    more, path = projects
    indexes = {}
    errors = {}
    loaded = 0
    for _, (package, _) in MORE_WHEELS.items():
        for file in sorted((more / package / ".mim" / "configs").rglob("*.py")):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    cfg = Config.fromfile(str(file), import_custom_modules=False)
                except Exception:
                    continue
            loaded += 1
            key = (cfg.get("default_scope"), repr(cfg.get("custom_imports")))
            if key not in indexes:
                indexes[key] = static_index(cfg, path=path)
            found = sorted({p.key for p in check(cfg, index=indexes[key]) if p.severity == "error"})
            if found:
                relative = file.relative_to(more / package / ".mim" / "configs")
                errors[f"{package}/{relative.as_posix()}"] = found
    assert loaded > 2300
    legacy = {name: keys for name, keys in errors.items() if name.startswith(LEGACY)}
    assert len(legacy) == 19
    assert all(k.startswith(LEGACY_KEYS) for keys in legacy.values() for k in keys)
    assert {n: k for n, k in errors.items() if n not in legacy} == KNOWN_ERRORS
