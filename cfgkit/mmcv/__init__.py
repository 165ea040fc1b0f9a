"""The mmcv 1.x surface: ``from cfgkit.mmcv import Config, Registry`` for projects on mmcv 1.7.

Where mmcv 1.7 and mmengine differ, these follow mmcv (``docs/compat.md`` lists how).
"""

from cfgkit.config import ConfigDict, DictAction
from cfgkit.mmcv.config import Config
from cfgkit.mmcv.registry import Registry, build_from_cfg

__all__ = ["Config", "ConfigDict", "DictAction", "Registry", "build_from_cfg"]
