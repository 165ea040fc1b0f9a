_base_ = ("./bases/dup_base_one.py",)
