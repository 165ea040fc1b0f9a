"""A head whose module needs a dependency that is not installed (fairscale)."""

from .head import BigHead

__all__ = ["BigHead"]
