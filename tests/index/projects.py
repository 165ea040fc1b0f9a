"""Source trees for the static index tests: OpenMMLab-shaped packages that are never imported
(their modules import torch, which need not be installed, or raise on import)."""

from __future__ import annotations

# `basepkg` plays mmengine: root registries, a layer registered by a literal call of a torch
# class, activations by a loop over a literal list, optimizers from dir() at run time.
BASEPKG = {
    "basepkg/__init__.py": "raise RuntimeError('basepkg must not be imported')\n",
    "basepkg/registry/__init__.py": "from .root import MODELS, OPTIMIZERS, HOOKS\n",
    "basepkg/registry/root.py": """\
        from cfgkit.registry import Registry

        MODELS = Registry('model')
        OPTIMIZERS = Registry('optimizer')
        HOOKS = Registry('hook')
        """,
    "basepkg/layers.py": """\
        import torch.nn as nn
        from torch import optim

        from basepkg.registry import MODELS, OPTIMIZERS

        MODELS.register_module('BN', module=nn.BatchNorm2d)
        for module in [nn.ReLU, nn.GELU]:
            MODELS.register_module(module=module)


        def register_torch_optimizers():
            for name in dir(optim):
                OPTIMIZERS.register_module(module=getattr(optim, name))


        register_torch_optimizers()


        class Base:
            def __init__(self, depth, init_cfg=None):
                self.depth = depth


        class Open:
            def __init__(self, **kwargs):
                pass


        @MODELS.register_module()
        class Plain(Base):
            pass
        """,
    "basepkg/hooks.py": """\
        from .registry import HOOKS


        @HOOKS.register_module()
        class CheckpointHook:
            def __init__(self, interval=1, by_epoch=True):
                pass
        """,
}

# `childpkg` plays mmdet: child registries, decorators with names and lists of names,
# classes whose constructors come from `basepkg` across packages, a helper that registers.
CHILDPKG = {
    "childpkg/__init__.py": "raise RuntimeError('childpkg must not be imported')\n",
    "childpkg/registry.py": """\
        from basepkg.registry import MODELS as BASE_MODELS
        from basepkg.registry import OPTIMIZERS as BASE_OPTIMIZERS
        from cfgkit.registry import Registry

        MODELS = Registry('model', parent=BASE_MODELS, locations=['childpkg.models'])
        OPTIMIZERS = Registry('optimizer', parent=BASE_OPTIMIZERS)
        BACKBONES = MODELS
        """,
    "childpkg/models/__init__.py": "from .nets import *  # noqa\n",
    "childpkg/models/nets.py": """\
        import torch.nn as nn

        from basepkg.layers import Base, Open
        from ..registry import BACKBONES, MODELS
        from .helpers import register_wrapped


        @BACKBONES.register_module(name=['ResNet', 'ResNetV1'])
        class ResNet(nn.Module):
            def __init__(self, depth, num_stages=4, norm_cfg=dict(type='BN')):
                super().__init__()


        @MODELS.register_module()
        class Detector(Base):
            def __init__(self, backbone, head=None, loss=None, **kwargs):
                loss.pop('bg_weight', None)
                super().__init__(**kwargs)


        @MODELS.register_module()
        class Head(Open):
            pass


        @MODELS.register_module()
        class Inherits(Base):
            pass


        class Mixin:
            pass


        @MODELS.register_module()
        class Diamond(Mixin, Inherits):
            pass


        @MODELS.register_module()
        class Torchy(nn.Module):
            pass


        @MODELS.register_module('FocalLoss')
        class Focal:
            def __init__(self, gamma=2.0, *, alpha=0.25):
                pass


        register_wrapped(nn.Upsample)


        @register_wrapped()
        class Wrapped:
            def __init__(self, only):
                pass
        """,
    "childpkg/models/helpers.py": """\
        from ..registry import MODELS


        def register_wrapped(cls=None, registry=MODELS):
            if cls is None:
                def decorator(cls):
                    register_wrapped(cls)
                    return cls
                return decorator

            def build(**kwargs):
                return cls(**kwargs)

            registry._register_module(module=build, module_name=cls.__name__)
            return cls
        """,
    "childpkg/transforms.py": """\
        from .registry import MODELS

        for name in ['Flip', 'Crop']:
            MODELS.register_module(name=f'vision/{name}', module=object)


        def register_all(names):
            for name in names:
                MODELS.register_module(name=f'vision/{name}', module=object)
        """,
}

# A config project for `childpkg` (its default_scope), three files deep.
CONFIGS = {
    "configs/_base_/runtime.py": """\
        default_scope = 'childpkg'
        default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1, priority=50))
        """,
    "configs/_base_/model.py": """\
        _base_ = ['./runtime.py']
        model = dict(
            type='Detector',
            backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='BN', requires_grad=True)),
            head=dict(type='Head', anything=1),
            loss=dict(type='FocalLoss', gamma=2.0, bg_weight=0.1),
            depth=3)
        optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01), paramwise_cfg=dict())
        """,
    "configs/child.py": """\
        _base_ = ['./_base_/model.py']
        model = dict(head=dict(type='Wrapped'))
        """,
}

REGISTRY = "from cfgkit.registry import Registry\nMODELS = Registry('model')\n"


def registered_class(registry: str, name: str, parameter: str) -> str:
    """A module registering class ``name`` (taking ``parameter``) in ``registry``'s MODELS."""
    return (
        f"from {registry} import MODELS\n\n\n@MODELS.register_module()\nclass {name}:\n"
        f"    def __init__(self, {parameter}):\n        pass\n"
    )


# `otherpkg` plays a project built on `childpkg` (as mmocr on mmdet): classes that hand
# their dict arguments on in ways a static check must follow.
OTHERPKG = {
    "otherpkg/__init__.py": "raise RuntimeError('otherpkg must not be imported')\n",
    "otherpkg/registry.py": """\
        from basepkg.registry import MODELS as BASE_MODELS
        from cfgkit.registry import Registry

        MODELS = Registry('model', parent=BASE_MODELS)
        """,
    "otherpkg/models.py": """\
        import copy

        from .registry import MODELS


        @MODELS.register_module()
        class Wrapper:
            def __init__(self, cfg):
                cfg['_scope_'] = 'childpkg'  # built with childpkg's registries


        @MODELS.register_module()
        class Picker:
            def __init__(self, block_cfg, depth=1):
                self.block = self._make(block_cfg)

            def _make(self, block_cfg):
                if block_cfg['type'] == 'Own':  # picks the class itself
                    return None


        @MODELS.register_module()
        class Holder:
            def __init__(self, vision, ema):
                self.vision_cfg = vision
                self.vision_cfg.pop('add_ln')
                self._ema = copy.deepcopy(ema)
                self._init_ema(self._ema)

            def _init_ema(self, ema_config):
                self.start = ema_config.pop('start_iter', 0)


        @MODELS.register_module()
        class Strict:
            def __init__(self, width):
                pass


        @MODELS.register_module()
        class Loose:
            def __init__(self, **kwargs):
                pass


        @MODELS.register_module()
        class Albumentation:
            def __init__(self, transforms):
                pass
        """,
}

# `dynpkg` plays mmagic: its model registry also takes every name of a library at run time.
DYNPKG = {
    "dynpkg/__init__.py": "",
    "dynpkg/registry.py": """\
        from basepkg.registry import MODELS as BASE_MODELS
        from cfgkit.registry import Registry

        MODELS = Registry('model', parent=BASE_MODELS)
        """,
    "dynpkg/models.py": """\
        def register_library_models():
            import library

            from .registry import MODELS

            for name in dir(library):
                MODELS.register_module(name=name, module=getattr(library, name))


        register_library_models()
        """,
}
