# A package base that binds a pipeline into a dataloader: the scope it gets marks the
# pipeline's typed steps, not the dataloader's copy of them.
test_pipeline = [dict(type='Load'), dict(type='Pack')]
test_dataloader = dict(dataset=dict(type='Data', pipeline=test_pipeline))
