_base_ = "./pure/child.py"
a = 1
