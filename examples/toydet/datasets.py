"""Datasets registered in the toydet scope."""

from toydet.registry import DATASETS


@DATASETS.register_module()
class ToyDataset:
    def __init__(self, data_root, num_samples, pipeline=(), classes=("cat", "dog")):
        self.data_root = data_root
        self.num_samples = num_samples
        self.pipeline = [step["type"] for step in pipeline]
        self.classes = tuple(classes)

    def __repr__(self):
        return (
            f"ToyDataset({self.num_samples} samples of {len(self.classes)} classes from "
            f"{self.data_root!r}, pipeline={self.pipeline})"
        )
