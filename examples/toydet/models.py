"""Models registered in the toydet scope; their parts are built from nested configs."""

from toydet.registry import MODELS


@MODELS.register_module()
class Detector:
    def __init__(self, backbone: dict, head: dict, num_classes: int = 80):
        # Nested configs are built by the same registry, so `type` may name a toydet
        # model, a toycore layer (found through the parent) or 'toycore.X' explicitly.
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head, default_args=dict(out_features=num_classes))
        self.num_classes = num_classes

    def __repr__(self):
        return (
            f"Detector(num_classes={self.num_classes},\n"
            f"  backbone={self.backbone!r},\n  head={self.head!r})"
        )


@MODELS.register_module()
class Head:
    def __init__(self, in_features: int, out_features: int, layer: str = "toycore.Linear"):
        self.fc = MODELS.build(dict(type=layer, in_features=in_features, out_features=out_features))

    def __repr__(self):
        return f"Head({self.fc!r})"


class Neck:
    """Defined, and never registered: a config cannot build it (docs/registry.md)."""

    def __init__(self, channels: int = 256):
        self.channels = channels
