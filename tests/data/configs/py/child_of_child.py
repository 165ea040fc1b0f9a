_base_ = './inherit_and_override.py'
model = dict(head=dict(num_classes=3))
param_scheduler = [dict(type='ConstantLR', factor=1.0)]
