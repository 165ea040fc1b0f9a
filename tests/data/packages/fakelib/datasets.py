"""Fake datasets."""


class CocoDataset:
    def __init__(self, data_root, pipeline):
        self.data_root = data_root
        self.pipeline = pipeline
