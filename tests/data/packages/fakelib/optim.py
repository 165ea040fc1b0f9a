"""Fake optimizers."""


class SGD:
    def __init__(self, lr, momentum=0.0):
        self.lr = lr
