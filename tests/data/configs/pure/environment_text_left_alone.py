from mmengine.config import read_base

with read_base():
    from ._base_.default_runtime import *

work_dir = '{{ $CFGKIT_UNSET_VARIABLE:}}'
