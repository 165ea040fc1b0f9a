from mmengine.config import read_base

with read_base():
    from fakepkg.configs.net import *

backbone.depth = 34
