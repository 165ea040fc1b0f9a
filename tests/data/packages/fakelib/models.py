"""Fake models."""


class ResNet:
    def __init__(self, depth, norm_cfg=None, **kwargs):
        self.depth = depth


class ResNeXt(ResNet):
    pass


class FPN:
    def __init__(self, in_channels):
        self.in_channels = in_channels


class RetinaHead:
    def __init__(self, num_classes):
        self.num_classes = num_classes


class RetinaNet:
    def __init__(self, backbone, neck, head):
        self.backbone, self.neck, self.head = backbone, neck, head
