_base_ = ['latin1_comment.py']
b = 2
