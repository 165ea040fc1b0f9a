from mmengine.config import read_base

with read_base():
    from ..pure._base_.default_runtime import *

with read_base():
    from ..pure._base_.schedules.sgd_1x import *
