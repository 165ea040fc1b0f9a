"""Importing this fails without fairscale, so BigHead is never registered."""

import fairscale  # noqa: F401 - what the head would shard its layers with
from toydet.registry import MODELS


@MODELS.register_module()
class BigHead:
    pass
