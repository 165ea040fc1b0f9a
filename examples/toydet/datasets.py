"""Datasets registered in the toydet scope."""

from toydet.registry import DATASETS, TRANSFORMS


@DATASETS.register_module()
class ToyDataset:
    def __init__(self, data_root: str, num_samples: int, pipeline=(), classes=("cat", "dog")):
        self.data_root = data_root
        self.num_samples = num_samples
        self.pipeline = [TRANSFORMS.build(step) for step in pipeline]
        self.classes = tuple(classes)

    def __repr__(self):
        steps = [type(step).__name__ for step in self.pipeline]
        return (
            f"ToyDataset({self.num_samples} samples of {len(self.classes)} classes from "
            f"{self.data_root!r}, pipeline={steps})"
        )
