_base_ = './toydet_mlp_voc.py'

# A wider backbone, found through toycore's alias; nested dicts merge, lists replace.
model = dict(
    backbone=dict(type='MultiLayerPerceptron', widths=[64, 512, 512]),
    head=dict(in_features=512))
train_cfg = dict(max_epochs=24)
optimizer = dict(lr=0.02)
work_dir = './work_dirs/{{ fileBasenameNoExtension }}'
