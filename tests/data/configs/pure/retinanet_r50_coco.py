from mmengine.config import read_base

with read_base():
    from ._base_.datasets.coco import *
    from ._base_.default_runtime import *
    from ._base_.models.retinanet import *
    from ._base_.schedules.sgd_1x import *
