# The model of a project under projects/, which nothing imports yet (docs/registry.md).
_base_ = './toydet_mlp_voc.py'
model = dict(_delete_=True, type='CoDETR', num_queries=300)
