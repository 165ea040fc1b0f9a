import os.path as osp
from math import sqrt
from os.path import join


def helper(x):
    return x + 1


square = lambda x: x * x  # noqa: E731
__private = 1
_single_underscore = 2
joined = osp.join('a', 'b')
root = sqrt(16)
computed = helper(1)
