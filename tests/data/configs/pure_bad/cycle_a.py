from mmengine.config import read_base

with read_base():
    from .cycle_b import *
