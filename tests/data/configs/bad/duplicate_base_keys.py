_base_ = ["./dup_base_one.py", "./dup_base_two.py"]
