"""A detector registered in toydet's model registry, from outside the toydet package."""

from toydet.registry import MODELS


@MODELS.register_module()
class CoDETR:
    def __init__(self, num_queries: int = 900):
        self.num_queries = num_queries

    def __repr__(self):
        return f"CoDETR(num_queries={self.num_queries})"
