_base_ = "./self_base.py"
