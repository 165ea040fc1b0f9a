from mmengine.config import read_base

with read_base():
    from ..pure._base_.models.retinanet import *

depth = model['backbone']['depht']
