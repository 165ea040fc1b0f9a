_base_ = "./does_not_exist.py"
value = 1
