_base_ = "./bases/dup_base_one.py"
lr = dict(value=1)
