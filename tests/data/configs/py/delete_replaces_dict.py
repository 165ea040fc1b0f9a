_base_ = '_base_/model.py'
model = dict(backbone=dict(_delete_=True, type='SwinTransformer', embed_dims=96))
