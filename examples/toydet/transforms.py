"""Data transforms registered in the toydet scope; the dataset builds its pipeline from them."""

from toydet.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadImageFromFile:
    def __init__(self, to_float32: bool = False):
        self.to_float32 = to_float32


@TRANSFORMS.register_module()
class Resize:
    def __init__(self, scale: tuple, keep_ratio: bool = True):
        self.scale = tuple(scale)
        self.keep_ratio = keep_ratio


@TRANSFORMS.register_module()
class RandomFlip:
    def __init__(self, prob: float, direction: str = "horizontal"):
        self.prob = prob
        self.direction = direction
