model = dict(type="ResNet",
    depth=50
lr = 0.1
