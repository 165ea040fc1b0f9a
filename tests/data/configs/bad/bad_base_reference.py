_base_ = "./dup_base_one.py"
value = {{ _base_.model.missing }}
