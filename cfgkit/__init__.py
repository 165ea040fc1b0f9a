"""cfgkit: a drop-in replacement for OpenMMLab's config system, faster and safer."""

from cfgkit import errors
from cfgkit.config import Config, ConfigDict, DictAction

__version__ = "0.1.0"

__all__ = ["Config", "ConfigDict", "DictAction", "__version__", "errors"]
