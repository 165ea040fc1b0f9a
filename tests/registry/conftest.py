"""Registry fixtures: fresh registries and a clean default scope for every test."""

from __future__ import annotations

import pytest

from cfgkit.registry import DefaultScope, Registry


@pytest.fixture(autouse=True)
def clean_default_scope():
    """Forget the default scopes a test created."""
    saved = DefaultScope._instance_dict.copy()
    DefaultScope._instance_dict.clear()
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(saved)


@pytest.fixture
def tree():
    """A root registry with two children: scope 'root' > 'ca' and 'cb'."""
    root = Registry("model", scope="root")
    ca = Registry("model", parent=root, scope="ca")
    cb = Registry("model", parent=root, scope="cb")

    @root.register_module()
    class RootNet:
        def __init__(self, depth=1):
            self.depth = depth

    @ca.register_module()
    class ANet:
        def __init__(self, depth=1):
            self.depth = depth

    @cb.register_module()
    class BNet:
        pass

    return root, ca, cb
