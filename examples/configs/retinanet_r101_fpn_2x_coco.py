_base_ = './retinanet_r50_fpn_1x_coco.py'

model = dict(backbone=dict(depth=101))
train_cfg = dict(max_epochs=24)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', begin=0, end=24, by_epoch=True, milestones=[16, 22], gamma=0.1),
]
# Reuse a base value by reference: the same number of classes, stated once.
num_classes = {{ _base_.model.bbox_head.num_classes }}
