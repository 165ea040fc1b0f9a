from mmengine.config import read_base

with read_base():
    from ..pure._base_.models.retinanet import *

neck = model.nope
