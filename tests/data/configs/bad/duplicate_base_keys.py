_base_ = ["./bases/dup_base_one.py", "./bases/dup_base_two.py"]
