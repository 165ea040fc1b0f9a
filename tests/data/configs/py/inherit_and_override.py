_base_ = ['_base_/model.py', '_base_/schedule.py', '_base_/runtime.yaml', '_base_/dataset.json']

# A nested override merges into the base dict; a list replaces the base list.
model = dict(backbone=dict(depth=101, norm_cfg=dict(requires_grad=False)), neck=dict(in_channels=[64, 128]))
optim_wrapper = dict(optimizer=dict(lr=0.02))
train_cfg = dict(max_epochs=24)
work_dir = './work_dirs/retinanet'
