"""A research project beside the toy library, as mmdet's projects/CO-DETR: a model that a
config only finds once something imports this package (custom_imports)."""

from .codetr import CoDETR

__all__ = ["CoDETR"]
