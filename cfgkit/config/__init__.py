"""Configs: ``Config``, ``ConfigDict``, ``DictAction`` (``mmengine.config``'s surface)."""

from cfgkit.config.cli import DictAction
from cfgkit.config.config import Config
from cfgkit.config.config_dict import ConfigDict
from cfgkit.config.inheritance import clear_cache

__all__ = ["Config", "ConfigDict", "DictAction", "clear_cache"]
