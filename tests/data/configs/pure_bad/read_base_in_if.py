from mmengine.config import read_base

if True:
    with read_base():
        from ..pure._base_.default_runtime import *
