import fakelib.models as models
import fakelib.optim
from fakelib import transforms as tf

model = dict(type=models.RetinaNet, backbone=dict(type=models.ResNet, depth=18))
optimizer = dict(type=fakelib.optim.SGD, lr=0.1)
pipeline = [dict(type=tf.Resize, scale=(32, 32))]
