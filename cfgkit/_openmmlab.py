"""How OpenMMLab's runners and builders consume a config, as data in one place.

Which top-level keys a runner reads (mmengine's ``Runner`` and mmcv 1.x's training scripts),
which keys a builder pops or passes itself, which registries build the dicts under a key
path, and where a ``type`` is not a registry name at all. ``cfgkit check`` and the stale-copy
analysis read it; nothing here imports a config or a registry.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, Optional

    from cfgkit._contracts import KeyPath

__all__ = [
    "FOREIGN_PREFIX",
    "NOT_REGISTRY_KEYS",
    "OPS_NAMES",
    "OWNED_REGISTRIES",
    "RUNNER_KEYS",
    "TORCH_OPTIMIZERS",
    "builder_arguments",
    "builder_keys",
    "builders",
    "builds_at",
    "distribution_of",
    "install_command",
    "named_builders",
    "package_of",
    "read_by_runner",
    "runner_keys",
    "stem",
]

# Top-level keys that a runner reads (mmengine's Runner.from_cfg, and mmcv 1.x's train
# scripts): a stale copy under one of them changes what is trained, so it is a warning.
# Every other key is a helper that a runner never reads (`train_pipeline`, `norm_cfg`,
# `coco_od_dataset`, ...): a stale copy there is a note. `*_dataloader` and `*_evaluator`
# are patterns; the names that end in `_cfg` are listed, since `norm_cfg` and
# `img_norm_cfg` are helpers.
MMENGINE_RUNNER_KEYS = frozenset(
    {
        "model", "train_cfg", "val_cfg", "test_cfg", "env_cfg", "model_wrapper_cfg",
        "optim_wrapper", "param_scheduler", "default_hooks", "custom_hooks", "log_processor",
        "visualizer", "auto_scale_lr", "randomness", "launcher", "load_from", "resume",
        "default_scope", "log_level", "work_dir", "experiment_name", "compile", "cfg",
        "strategy", "custom_imports", "data_preprocessor",
    }
)  # fmt: skip
MMCV_RUNNER_KEYS = frozenset(
    {
        "model", "data", "optimizer", "optimizer_config", "lr_config", "momentum_config",
        "checkpoint_config", "log_config", "evaluation", "runner", "workflow",
        "total_epochs", "fp16", "dist_params", "resume_from", "gpu_ids", "custom_imports",
        "load_from", "work_dir", "log_level", "custom_hooks",
    }
)  # fmt: skip
RUNNER_KEYS = MMENGINE_RUNNER_KEYS | MMCV_RUNNER_KEYS
_RUNNER_PATTERNS = ("_dataloader", "_evaluator")
# Keys only a config for mmengine's Runner has.
_MMENGINE_ONLY = frozenset(
    {"train_dataloader", "val_dataloader", "test_dataloader", "optim_wrapper", "param_scheduler",
     "default_hooks", "train_cfg", "default_scope"}
)  # fmt: skip
# mmcv 1.x keys and the mmengine keys that took their place.
_REPLACED_BY = {
    "data": frozenset({"train_dataloader", "val_dataloader", "test_dataloader"}),
    "optimizer": frozenset({"optim_wrapper"}),
    "optimizer_config": frozenset({"optim_wrapper"}),
    "lr_config": frozenset({"param_scheduler"}),
    "momentum_config": frozenset({"param_scheduler"}),
    # mmengine's Runner has no counterpart of these: dead in any config written for it.
    "runner": _MMENGINE_ONLY,
    "workflow": _MMENGINE_ONLY,
    "total_epochs": _MMENGINE_ONLY,
    "evaluation": frozenset({"val_evaluator", "val_cfg"}),
    "checkpoint_config": frozenset({"default_hooks"}),
    "log_config": frozenset({"default_hooks"}),
    "resume_from": frozenset({"resume"}),
    "dist_params": frozenset({"env_cfg"}),
}
_MMCV_ONLY = frozenset(
    {"data", "lr_config", "optimizer_config", "runner", "checkpoint_config", "log_config",
     "evaluation", "workflow"}
)  # fmt: skip


def read_by_runner(top: object, keys: frozenset[str] = RUNNER_KEYS) -> bool:
    """Tell whether a runner reads the top-level key ``top`` (of ``keys``, and the
    ``*_dataloader`` and ``*_evaluator`` patterns)."""
    return top in keys or (isinstance(top, str) and top.endswith(_RUNNER_PATTERNS))


def runner_keys(top_keys: Iterable[object]) -> Optional[frozenset[str]]:
    """The top-level keys a runner reads in a config with these keys, or None for a config
    written for no runner known here.

    mmengine's Runner reads its keys; a key of mmcv 1.x's training scripts is read too unless
    the config also has the key mmengine replaced it with (``data`` beside
    ``train_dataloader``, ``runner`` beside ``train_cfg``: a left-over nobody reads).
    """
    tops = set(top_keys)
    if not tops & (_MMENGINE_ONLY | _MMCV_ONLY):
        return None
    return MMENGINE_RUNNER_KEYS | {
        key for key in MMCV_RUNNER_KEYS if not tops & _REPLACED_BY.get(key, frozenset())
    }


# Where a `type` is not a registry name: the subtree is not checked (see docs/check.md).
NOT_REGISTRY_KEYS = frozenset(
    {
        "nms",  # test_cfg.*.nms: mmcv.ops picks nms / soft_nms by name
        "roi_layer",  # RoI extractors take the op from mmcv.ops by name (RoIAlign)
        "dataset_info",  # pose keypoint metadata: type='upper' / 'lower'
        "metainfo",
    }
)
# Types that name an mmcv.ops function, not a registered class (mmdet's nms configs).
OPS_NAMES = frozenset({"nms", "soft_nms", "nms_rotated", "batched_nms"})
# Transforms that hand their sub-dicts to another library: albumentations' wrappers
# (mmdet's Albu, mmpretrain's Albumentations, mmpose's Albumentation) by name.
FOREIGN_PREFIX = "albu"


def builder_keys(path: KeyPath) -> frozenset[str]:
    """Keys a builder pops from the dict at ``path`` before calling the constructor."""
    keys: set[str] = set()
    names = [p for p in path if isinstance(p, str)]
    if names and (names[-1] == "optim_wrapper" or (len(path) == 2 and path[0] == "optim_wrapper")):
        keys.update(("constructor", "paramwise_cfg"))  # the optimizer wrapper constructor's
    if path == ("optimizer",):
        keys.update(("constructor", "paramwise_cfg"))  # mmcv 1.x's build_optimizer
    if len(path) == 2 and path[0] in ("custom_hooks", "default_hooks"):
        keys.add("priority")  # Runner.register_hook
    if names and names[-1].endswith("norm_cfg"):
        keys.add("requires_grad")  # mmcv's build_norm_layer
    if path and path[0] == "param_scheduler":
        keys.add("convert_to_iter_based")  # the runner's scheduler builder
    return frozenset(keys)


def builder_arguments(path: KeyPath) -> frozenset[str]:
    """Arguments the builder of the dict at ``path`` passes itself (``default_args``)."""
    names = [p for p in path if isinstance(p, str)]
    if len(path) == 1 and path[0] in ("train_cfg", "val_cfg", "test_cfg"):
        return frozenset(("runner", "dataloader", "evaluator"))  # Runner.build_*_loop
    if names and names[-1] == "sampler":
        return frozenset(("dataset", "seed"))  # Runner.build_dataloader
    if names and names[-1] == "batch_sampler":
        return frozenset(("sampler", "batch_size", "drop_last"))
    if path and path[0] == "param_scheduler":
        return frozenset(("optimizer", "epoch_length"))
    if len(path) >= 2 and path[-2] == "vis_backends":
        return frozenset(("save_dir",))  # the visualizer gives its save_dir
    if names and names[-1] == "model_wrapper_cfg":
        return frozenset(("module",))
    return frozenset()


# Which registries build the dicts under a top-level key (mmengine's registry names), as
# its Runner and the models it builds use them.
_BUILT_UNDER = {
    "model": ("model", "task util", "weight initializer"),
    "optim_wrapper": ("optim_wrapper", "optimizer wrapper constructor"),
    "param_scheduler": ("parameter scheduler",),
    "default_hooks": ("hook",),
    "custom_hooks": ("hook",),
    "visualizer": ("visualizer",),
    "vis_backends": ("vis_backend",),
    "log_processor": ("log_processor",),
    "train_cfg": ("loop",),
    "val_cfg": ("loop",),
    "test_cfg": ("loop",),
    "model_wrapper_cfg": ("model_wrapper",),
    "strategy": ("strategy",),
}
# Keys that name what builds the dicts below them, at any depth.
_BUILT_BY_KEY = {
    "dataset": ("dataset",),
    "datasets": ("dataset",),
    "sampler": ("data sampler",),
    "batch_sampler": ("data sampler",),
    "collate_fn": ("function",),
    "pipeline": ("transform",),
    "transforms": ("transform",),
}


def builders(path: KeyPath) -> set[str]:
    """The stems of the registries that may build the dict at ``path``: by the top-level
    key (everything under ``model`` is built by the model registry and its helpers), by a
    key on the way that names its builder (``dataset``, ``pipeline``, ``*_pipeline``), and
    by the last key itself (``optimizer``, ``diffusion_scheduler``)."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return set()
    return {stem(n) for n in (keys[-1], *_built_under(keys[0]), *_built_by(keys))}


def named_builders(path: KeyPath) -> set[str]:
    """The stems of the registries the tables say build the dict at ``path``, where they
    are sure: a top-level dict by its key (``model``, ``*_dataloader``, ``*_evaluator``,
    ``custom_hooks``), anything under ``model`` (models build their parts from the model
    registry and its helpers), and a key on the way that names its builder (``dataset``,
    ``pipeline``, ``*_pipeline``); empty elsewhere (a hook or a visualizer may build the
    dicts it takes from any registry)."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return set()
    top = keys[0]
    names = _built_by(keys[1:])
    if len(keys) == 1 or top == "model" or (top == "default_hooks" and len(keys) == 2):
        names.extend(_built_under(top))
    if len(keys) == 1 and top.endswith("_pipeline"):
        names.append("transform")
    return {stem(n) for n in names}


def _built_under(top: str) -> list[str]:
    """The registries that build the dicts under the top-level key ``top``."""
    names = list(_BUILT_UNDER.get(top, ()))
    if top.endswith("_dataloader"):
        names.append("dataset")
    if top.endswith("_evaluator"):
        names.extend(("metric", "evaluator"))
    return names


def _built_by(keys: list[str]) -> list[str]:
    """The registries that the keys on a path name as the builders below them."""
    names: list[str] = []
    for key in keys:
        names.extend(_BUILT_BY_KEY.get(key, ()))
        if key.endswith("_pipeline"):
            names.append("transform")
    return names


def stem(name: str) -> str:
    """``optimizer`` for ``'optimizer'``, ``'optimizers'`` and ``'optimizer_cfg'``."""
    name = name.lower().replace(" ", "").replace("_", "")
    if name.endswith("cfg"):
        name = name[:-3]
    return name[:-1] if name.endswith("s") else name


# The import name of each OpenMMLab package and the distribution that installs it (what
# `pip install` takes: `mmseg` comes from `mmsegmentation`).
DISTRIBUTIONS = {
    "mmengine": "mmengine", "mmcv": "mmcv", "mmdet": "mmdet", "mmpretrain": "mmpretrain",
    "mmcls": "mmcls", "mmseg": "mmsegmentation", "mmpose": "mmpose", "mmdet3d": "mmdet3d",
    "mmocr": "mmocr", "mmaction": "mmaction2", "mmyolo": "mmyolo", "mmagic": "mmagic",
    "mmedit": "mmedit", "mmrotate": "mmrotate", "mmtrack": "mmtrack", "mmflow": "mmflow",
    "mmrazor": "mmrazor", "mmfewshot": "mmfewshot", "mmselfsup": "mmselfsup",
    "mmgen": "mmgen", "mmhuman3d": "mmhuman3d", "mmdeploy": "mmdeploy", "mmtrack3d": "mmtrack3d",
}  # fmt: skip
# Distributions that install an OpenMMLab package under another distribution name.
_ALSO_INSTALLS = {"mmcv-full": "mmcv", "mmcv-lite": "mmcv"}

# torch.optim's optimizers, which mmengine registers at run time (`dir(torch.optim)`): a
# static check cannot see them registered, and need not say so every run.
TORCH_OPTIMIZERS = frozenset(
    {
        "ASGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS",
        "NAdam", "RAdam", "RMSprop", "Rprop", "SGD", "SparseAdam",
    }
)  # fmt: skip


def package_of(distribution: str) -> Optional[str]:
    """The import name of an OpenMMLab distribution, or None for one that is not OpenMMLab's."""
    found = (name for name, installed in DISTRIBUTIONS.items() if installed == distribution)
    return _ALSO_INSTALLS.get(distribution) or next(found, None)


# The key paths (as a reader writes them) where a registry builds, by the stem of its name:
# what `builders` reads forwards, written out for messages ("the transform registry builds
# `*_dataloader.dataset.pipeline`").
_BUILDS_AT = {
    "model": ("model",),
    "taskutil": ("model.train_cfg.assigner", "model.*.bbox_coder", "model.*.prior_generator"),
    "weightinitializer": ("*.init_cfg",),
    "optimwrapper": ("optim_wrapper",),
    "optimizer": ("optim_wrapper.optimizer",),
    "optimizerwrapperconstructor": ("optim_wrapper.constructor",),
    "parameterscheduler": ("param_scheduler",),
    "hook": ("default_hooks.*", "custom_hooks"),
    "visualizer": ("visualizer",),
    "visbackend": ("visualizer.vis_backends",),
    "logprocessor": ("log_processor",),
    "loop": ("train_cfg", "val_cfg", "test_cfg"),
    "modelwrapper": ("model_wrapper_cfg",),
    "strategy": ("strategy",),
    "dataset": ("*_dataloader.dataset",),
    "datasampler": ("*_dataloader.sampler", "*_dataloader.batch_sampler"),
    "function": ("*_dataloader.collate_fn",),
    "transform": ("*_dataloader.dataset.pipeline", "*_pipeline", "*.transforms"),
    "metric": ("val_evaluator", "test_evaluator"),
    "evaluator": ("val_evaluator", "test_evaluator"),
}
# Registries that build at the key paths above and nowhere else a config names: a name
# found only in one of these is misplaced under a key path they do not build (a transform
# under `model`). Registries missing here (task utils, batch augments, codecs) are built by
# the classes that take them, under keys no table lists.
OWNED_REGISTRIES = frozenset(
    {"transform", "dataset", "datasampler", "metric", "evaluator", "hook", "visualizer",
     "visbackend", "logprocessor", "loop", "optimwrapper", "parameterscheduler", "strategy",
     "modelwrapper"}
)  # fmt: skip

# Import names of other packages whose distribution has another name.
_OTHER_DISTRIBUTIONS = {
    "cv2": "opencv-python",
    "PIL": "Pillow",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "yaml": "PyYAML",
    "pycocotools": "pycocotools",
    "lvis": "lvis",
    "mmcv._ext": "mmcv",
}


def builds_at(registry_name: str) -> tuple[str, ...]:
    """The key paths where the registry called ``registry_name`` builds (``'transform'``:
    ``*_dataloader.dataset.pipeline``, ``*_pipeline``, ...); empty when no table says."""
    return _BUILDS_AT.get(stem(registry_name), ())


def distribution_of(module: str) -> str:
    """The distribution that provides the import name ``module`` (or its top level), as
    ``pip install`` takes it: ``mmsegmentation`` for ``mmseg``, ``opencv-python`` for
    ``cv2``."""
    for name in (module, module.partition(".")[0]):
        for table in (DISTRIBUTIONS, _OTHER_DISTRIBUTIONS):
            if name in table:
                return table[name]
    return module.partition(".")[0]


def install_command(module: str) -> str:
    """``mim install mmdet`` for an OpenMMLab package, ``pip install x`` otherwise."""
    distribution = distribution_of(module)
    # OpenMMLab distributions are installed with `mim install` (it picks a compiled mmcv).
    tool = "mim" if distribution.startswith("mm") else "pip"
    return f"{tool} install {distribution}"
