_base_ = [
    './_base_/models/retinanet_r50_fpn.py',
    './_base_/datasets/coco_detection.py',
    './_base_/schedules/schedule_1x.yaml',
]

# Override only what differs from the bases: nested dicts merge, lists replace.
optim_wrapper = dict(optimizer=dict(lr=0.01))
work_dir = './work_dirs/{{ fileBasenameNoExtension }}'
