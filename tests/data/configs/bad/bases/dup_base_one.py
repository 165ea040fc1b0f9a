model = dict(a=1)
lr = 0.1
