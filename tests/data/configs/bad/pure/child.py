from mmengine.config import read_base

with read_base():
    from ..bases.dup_base_one import *
