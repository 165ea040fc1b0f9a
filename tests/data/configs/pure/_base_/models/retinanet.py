from fakelib.models import FPN, ResNet, RetinaHead, RetinaNet

model = dict(
    type=RetinaNet,
    backbone=dict(type=ResNet, depth=50, norm_cfg=dict(type='BN', requires_grad=True)),
    neck=dict(type=FPN, in_channels=[256, 512, 1024]),
    head=dict(type=RetinaHead, num_classes=80))
