"""cfgkit: a drop-in replacement for OpenMMLab's config and registry system."""

from cfgkit import errors
from cfgkit.config import Config, ConfigDict, DictAction
from cfgkit.registry import DefaultScope, Registry, build_from_cfg

__version__ = "0.1.0"

__all__ = [
    "Config",
    "ConfigDict",
    "DefaultScope",
    "DictAction",
    "Registry",
    "__version__",
    "build_from_cfg",
    "errors",
]
