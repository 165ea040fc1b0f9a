default_scope = 'mmdet'
model = dict(type='RetinaNet', _scope_='mmdet', backbone=dict(type='mmpretrain.ConvNeXt'))
