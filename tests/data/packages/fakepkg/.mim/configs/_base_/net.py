model = dict(type='FakeNet', backbone=dict(type='FakeBackbone', depth=3), plain=dict(a=1))
train_cfg = dict(type='Loop', stages=[dict(type='Stage'), dict(name='untyped')])
log_level = 'INFO'
