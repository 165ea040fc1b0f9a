_base_ = '_base_/model.py'
# mmengine keeps `_delete_` where the key is new: cfgkit matches it.
extra = dict(_delete_=True, value=1)
model = dict(new_part=dict(_delete_=True, x=1))
