"""The toydet registry: a child scope of toycore's, so toycore layers build here too."""

from toycore.registry import MODELS as TOYCORE_MODELS

from cfgkit.registry import Registry

MODELS = Registry("model", parent=TOYCORE_MODELS, scope="toydet", locations=["toydet.models"])
