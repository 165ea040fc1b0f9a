from mmengine.config import read_base

with read_base():
    from .pure_classic_base import *
