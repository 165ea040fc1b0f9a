"""Optimizers registered in the toydet scope."""

from toydet.registry import OPTIMIZERS


@OPTIMIZERS.register_module()
class SGD:
    def __init__(self, params: list, lr: float, momentum: float = 0.0, weight_decay: float = 0.0):
        self.num_params = len(params)
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum}, {self.num_params} parameter groups)"
