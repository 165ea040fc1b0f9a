"""Fake schedulers."""


class MultiStepLR:
    def __init__(self, milestones):
        self.milestones = milestones
