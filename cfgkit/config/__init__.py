"""Configs: ``Config``, ``ConfigDict`` and the parse cache (``mmengine.config``'s surface)."""

from cfgkit.config.config import Config
from cfgkit.config.config_dict import ConfigDict
from cfgkit.config.inheritance import clear_cache

__all__ = ["Config", "ConfigDict", "clear_cache"]
