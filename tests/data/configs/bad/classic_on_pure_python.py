_base_ = "./pure_python_style.py"
a = 1
