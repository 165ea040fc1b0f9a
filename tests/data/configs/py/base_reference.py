_base_ = ['_base_/model.py', '_base_/dataset.json']
num_classes = {{ _base_.model.head.num_classes }}
pipeline = {{_base_.train_pipeline}}
test_dataloader = dict(dataset=dict(type={{ _base_.dataset_type }}, pipeline=pipeline))
backend = dict(args={{_base_.backend_args}}, items=[{{ _base_.data_root }}, ({{ _base_.data_root }},)])
