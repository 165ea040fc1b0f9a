_base_ = "./bases/dup_base_one.py"
value = {{ _base_.model.missing }}
