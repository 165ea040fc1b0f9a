"""The toydet registries: models are a child scope of toycore's, so toycore layers build
here too; datasets, transforms and optimizers are toydet's own."""

from toycore.registry import MODELS as TOYCORE_MODELS

from cfgkit.registry import Registry

MODELS = Registry("model", parent=TOYCORE_MODELS, scope="toydet", locations=["toydet.models"])
DATASETS = Registry("dataset", scope="toydet", locations=["toydet.datasets"])
TRANSFORMS = Registry("transform", scope="toydet", locations=["toydet.transforms"])
OPTIMIZERS = Registry("optimizer", scope="toydet", locations=["toydet.optim"])
