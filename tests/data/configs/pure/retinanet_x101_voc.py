from mmengine.config import read_base

with read_base():
    from .retinanet_r50_coco import *

from fakelib.models import ResNeXt

# Inherited dicts and lists are changed in place, two levels below the bases.
model.backbone.depth = 101
model.backbone.update(dict(type=ResNeXt, groups=32))
model.head.num_classes = 20
model.merge(dict(neck=dict(_delete_=True, type='PAFPN', in_channels=[256])))
train_pipeline = train_pipeline + [dict(type='RandomFlip', prob=0.5)]
train_dataloader.dataset.pipeline = train_pipeline
optim_wrapper.optimizer.lr = 0.01
max_epochs += 12
