_base_ = []
a = 1
