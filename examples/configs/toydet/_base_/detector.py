default_scope = "toydet"
model = dict(
    type="Detector",
    num_classes=80,
    backbone=dict(type="MLP", widths=[64, 128, 256]),
    head=dict(type="Head", in_features=256),
)
