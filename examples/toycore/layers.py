"""Layers registered in the toycore scope."""

from __future__ import annotations

from toycore.registry import MODELS


@MODELS.register_module()
class Linear:
    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        self.in_features = in_features
        self.out_features = out_features
        self.bias = bias

    def __repr__(self):
        return f"Linear({self.in_features} -> {self.out_features})"


@MODELS.register_module(name=["MLP", "MultiLayerPerceptron"])
class MLP:
    def __init__(self, widths: list[int], activation: str = "relu"):
        self.layers = [Linear(a, b) for a, b in zip(widths, widths[1:])]
        self.activation = activation

    def __repr__(self):
        return f"MLP({', '.join(map(repr, self.layers))}, activation={self.activation!r})"
