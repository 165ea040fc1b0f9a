_base_ = "./_base_/detector.py"

# Pascal VOC has 20 classes; the backbone is a toycore layer reached through the parent.
model = dict(num_classes=20, backbone=dict(type="MultiLayerPerceptron", widths=[64, 256]))
