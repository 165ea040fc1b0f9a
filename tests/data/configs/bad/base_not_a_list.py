_base_ = ("./dup_base_one.py",)
