from mmengine.config import read_base

num_classes = 3
model = dict(type='Net', num_classes=num_classes)
