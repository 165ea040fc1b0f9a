"""The toycore registry: the parent of every toy project's model registry."""

from cfgkit.registry import Registry

# Registrations live in toycore.layers, imported on the first lookup.
MODELS = Registry("model", scope="toycore", locations=["toycore.layers"])
