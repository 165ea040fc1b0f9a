_base_ = ['./pipelines/rand_aug.py']
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='RandAugment', policies={{_base_.rand_increasing_policies}}, num_policies=2),
]
model = dict(type='Net', head=dict(type='Head', norm_cfg={{_base_.norm_cfg}}))
shared = dict(type='Shared')
wrapper = dict(type='Wrap', inner=shared, more=[shared])
