# A toy detector whose backbone comes from the toycore library (a parent registry scope).
model = dict(
    type='Detector',
    num_classes=20,
    backbone=dict(type='MLP', widths=[64, 128, 256]),
    head=dict(type='Head', in_features=256))
