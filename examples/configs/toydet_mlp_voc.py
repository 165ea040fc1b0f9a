_base_ = [
    './_base_/models/toydet_mlp.py',
    './_base_/datasets/toy_voc.py',
    './_base_/schedules/toy_sgd_12e.yaml',
    './_base_/default_runtime.py',
]
work_dir = './work_dirs/{{ fileBasenameNoExtension }}'
