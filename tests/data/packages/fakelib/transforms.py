"""Fake transforms."""


class LoadImage:
    pass


class Resize:
    def __init__(self, scale):
        self.scale = scale
