_base_ = '../_base_/net.py'
optimizer = dict(type='SGD', _scope_='other')
