_base_ = "./dup_base_one.py"
lr = dict(value=1)
