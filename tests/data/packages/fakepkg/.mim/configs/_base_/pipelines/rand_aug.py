rand_increasing_policies = [
    dict(type='AutoContrast'),
    dict(type='Rotate', magnitude_range=(0, 30)),
]
norm_cfg = dict(type='BN', requires_grad=True)
