model = dict(
    type='RetinaNet',
    backbone=dict(type='ResNet', depth=50, norm_cfg=dict(type='BN', requires_grad=True), out_indices=(0, 1, 2, 3)),
    neck=dict(type='FPN', in_channels=[256, 512, 1024, 2048], out_channels=256),
    head=dict(type='RetinaHead', num_classes=80),
)
backend_args = None
